import { randomUUID } from 'node:crypto';
import { AppError, ChatRequest, agentCoreClients, closeClients, EXIT, internalAddress, ProtoSurface, readStream, type ChatResponse } from '@cliver/common';
import { cliContext, complain, internalKeyOf, type GlobalFlags } from './cli-context';

export interface ChatFlags extends GlobalFlags {
  session?: string;
  model?: string;
}

function onEvent(e: ChatResponse, out: NodeJS.WriteStream): void {
  if (e.text) out.write(e.text.text);
  else if (e.toolStarted) complain(`\n[tool] ${e.toolStarted.tool} ${e.toolStarted.arguments}`);
  else if (e.toolFinished) complain(`[tool] ${e.toolFinished.tool} ${e.toolFinished.error ? `failed: ${e.toolFinished.error}` : `done in ${e.toolFinished.durationMs} ms`}`);
}

/** One turn from the terminal, streamed as it arrives and stored as a CLI session. */
export async function chat(prompt: string, flags: ChatFlags): Promise<number> {
  const ctx = cliContext(flags);
  const address = internalAddress(ctx.config, 'agent-core');
  const clients = agentCoreClients(address, internalKeyOf(ctx));
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once('SIGINT', interrupt);
  let sessionId = flags.session ?? '';
  try {
    const request = ChatRequest.fromPartial({
      requestId: randomUUID(),
      surface: ProtoSurface.SURFACE_CLI,
      sessionId,
      model: flags.model ?? '',
      messages: [{ role: 'user', content: prompt }],
    });
    for await (const event of readStream<ChatResponse>((md, opts) => clients.agent.chat(request, md, opts), { signal: controller.signal })) {
      if (event.session) sessionId = event.session.sessionId;
      onEvent(event, process.stdout);
    }
    process.stdout.write('\n');
    complain(`session ${sessionId} (continue with: cliver chat --session ${sessionId} "...")`);
    return EXIT.OK;
  } catch (err) {
    const e = AppError.from(err);
    if (e.reason === 'cancelled' && controller.signal.aborted) {
      complain('\ninterrupted');
    } else if (e.reason === 'service_unreachable') {
      complain(`No gateway is running for agent ${ctx.paths.agent} (nothing answers at ${address}). Start it with: cliver gateway start`);
    } else {
      complain(`\nError: ${e.message}`);
    }
    return EXIT.FAILED;
  } finally {
    process.removeListener('SIGINT', interrupt);
    closeClients(clients);
  }
}
