import { AppError, backoffDelayMs, VERSION, type Logger } from '@cliver/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ToolListChangedNotificationSchema, type CallToolResult, type Tool as McpToolDef } from '@modelcontextprotocol/sdk/types.js';
import type { Tool } from '../tools/tool';
import { toCallFailure } from './call-error';
import { createTransport, type McpServerConfig, type McpTransportName } from './create-transport';
import { toTool } from './mcp-tool';

export type McpServerState = 'connecting' | 'connected' | 'failed';

export interface McpServerStatus {
  name: string;
  transport: McpTransportName;
  state: McpServerState;
  /** Why the last attempt or the last connection failed; absent while connected. */
  error?: string;
  /** Tools offered to the model; 0 unless connected. */
  toolCount: number;
}

export interface ConnectionTimings {
  connectTimeoutMs: number;
  callTimeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  now: () => number;
}

// A server that keeps handing out cursors must not keep us paging forever.
const MAX_TOOL_PAGES = 100;
const STDERR_TAIL_CHARS = 500;

/**
 * One configured MCP server: connects, keeps its tool list, and reconnects with backoff in the
 * background whenever an attempt fails or a live connection is lost.
 */
export class ServerConnection {
  private client?: Client;
  private state: McpServerState = 'connecting';
  private error?: string;
  private tools: Tool[] = [];
  private failures = 0;
  private connectedAt = 0;
  private retryTimer?: NodeJS.Timeout;
  private isStopped = false;
  private stderrTail = '';
  // Closes still running (a stdio child gets a 2 s grace before SIGTERM); stop() waits for them.
  private readonly closing = new Set<Promise<void>>();

  constructor(
    readonly name: string,
    private readonly config: McpServerConfig,
    private readonly hostEnv: Readonly<Record<string, string | undefined>>,
    private readonly timings: ConnectionTimings,
    private readonly log: Logger,
  ) {}

  status(): McpServerStatus {
    const { name, state, error } = this;
    return { name, transport: this.config.transport, state, ...(error === undefined ? {} : { error }), toolCount: this.connectedTools().length };
  }

  connectedTools(): readonly Tool[] {
    return this.state === 'connected' ? this.tools : [];
  }

  /** One connection attempt; a failure schedules the next one. Never throws. */
  async connect(): Promise<void> {
    clearTimeout(this.retryTimer);
    if (this.isStopped) return;
    this.state = 'connecting';
    const startedAt = this.timings.now();
    let client: Client | undefined;
    try {
      const { transport, stderr } = createTransport(this.name, this.config, this.hostEnv);
      this.stderrTail = '';
      stderr?.on('data', (chunk: Buffer) => this.keepStderr(chunk.toString()));
      const current = (client = new Client({ name: 'cliver-gateway', version: VERSION }));
      this.client = current;
      current.onclose = () => this.onLost(current, 'the connection closed');
      current.onerror = (err) => this.log.debug({ err }, 'MCP transport error');
      current.setNotificationHandler(ToolListChangedNotificationSchema, () => this.refreshTools(current));
      const timeoutMs = this.timings.connectTimeoutMs;
      await withTimeout(current.connect(transport, { timeout: timeoutMs }), timeoutMs, 'did not complete the MCP handshake');
      const defs = await listAllTools(current, timeoutMs);
      if (this.client !== current) return; // stopped meanwhile
      this.tools = this.buildTools(defs);
      this.state = 'connected';
      this.error = undefined;
      this.connectedAt = this.timings.now();
      this.log.info({ toolCount: this.tools.length, durationMs: this.connectedAt - startedAt }, 'MCP server connected');
    } catch (err) {
      if (client !== undefined && this.client !== client) return; // stop() took it over
      this.client = undefined;
      if (client !== undefined) this.close(client);
      const isPermanent = err instanceof AppError && err.reason === 'mcp_config_unusable';
      this.fail(err, `could not connect: ${errorText(err)}${this.stderrSuffix()}`, !isPermanent);
    }
  }

  /** Calls a tool on the live connection; throws AppError (connection loss also starts a reconnect). */
  async callTool(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> {
    const client = this.client;
    if (client === undefined || this.state !== 'connected') {
      const why = this.error === undefined ? 'it is still connecting' : this.error;
      throw new AppError('unavailable', `MCP server "${this.name}" is not connected (${why}); it is reconnected in the background, try again shortly`, {
        reason: 'mcp_server_unavailable',
      });
    }
    const timeoutMs = this.timings.callTimeoutMs;
    try {
      return (await client.callTool({ name: tool, arguments: args }, undefined, { signal, timeout: timeoutMs })) as CallToolResult;
    } catch (err) {
      const failure = toCallFailure(err, { server: this.name, tool, timeoutMs, signal });
      if (failure.isConnectionLost) this.onLost(client, `the connection was lost: ${errorText(err)}`);
      throw failure.error;
    }
  }

  /** Closes the connection (a stdio child gets stdin closed, then SIGTERM, then SIGKILL). */
  async stop(): Promise<void> {
    this.isStopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    this.state = 'failed';
    this.error = 'stopped';
    this.tools = [];
    if (client !== undefined) this.close(client);
    await Promise.all(this.closing);
  }

  private onLost(client: Client, reason: string): void {
    // Only a live connection can be lost; a failing attempt is handled by connect() itself.
    if (client !== this.client || this.state !== 'connected') return;
    this.client = undefined;
    this.close(client);
    // A connection that stayed up a while resets the backoff; one that dies at once does not.
    if (this.timings.now() - this.connectedAt >= this.timings.retryMaxMs) this.failures = 0;
    this.fail(undefined, `${reason}${this.stderrSuffix()}`, true);
  }

  private close(client: Client): void {
    const closing = client
      .close()
      .catch((err: unknown) => this.log.warn({ err }, 'closing MCP client failed'))
      .finally(() => this.closing.delete(closing));
    this.closing.add(closing);
  }

  private fail(err: unknown, message: string, shouldRetry: boolean): void {
    this.state = 'failed';
    this.error = message;
    this.tools = [];
    if (this.isStopped) return;
    if (!shouldRetry) {
      this.log.error({ err, error: message }, 'MCP server cannot be used; fix its entry in config.yaml');
      return;
    }
    this.failures += 1;
    const retryInMs = backoffDelayMs(this.failures, { baseMs: this.timings.retryBaseMs, maxMs: this.timings.retryMaxMs, jitter: 0.2 });
    this.log.warn({ err, error: message, failures: this.failures, retryInMs }, 'MCP server unavailable; will retry');
    this.retryTimer = setTimeout(() => void this.connect(), retryInMs);
    // The timer must not keep a stopping process alive; stop() clears it anyway.
    this.retryTimer.unref();
  }

  private async refreshTools(client: Client): Promise<void> {
    if (client !== this.client || this.state !== 'connected') return;
    try {
      const defs = await listAllTools(client, this.timings.connectTimeoutMs);
      if (client !== this.client) return;
      this.tools = this.buildTools(defs);
      this.log.info({ toolCount: this.tools.length }, 'MCP server tools changed');
    } catch (err) {
      this.log.warn({ err }, 'refreshing MCP server tools failed; keeping the previous list');
    }
  }

  private buildTools(defs: McpToolDef[]): Tool[] {
    const call = (tool: string, args: Record<string, unknown>, signal: AbortSignal) => this.callTool(tool, args, signal);
    return defs.map((def) => toTool(this.name, def, call, this.log));
  }

  private keepStderr(text: string): void {
    this.log.debug({ stderr: text.slice(0, STDERR_TAIL_CHARS) }, 'MCP server wrote to stderr');
    this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS);
  }

  private stderrSuffix(): string {
    const tail = this.stderrTail.trim();
    return tail === '' ? '' : `; its stderr ends with: ${tail}`;
  }
}

async function listAllTools(client: Client, timeoutMs: number): Promise<McpToolDef[]> {
  if (!client.getServerCapabilities()?.tools) return [];
  const defs: McpToolDef[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_TOOL_PAGES; page++) {
    const result = await client.listTools(cursor === undefined ? undefined : { cursor }, { timeout: timeoutMs });
    defs.push(...result.tools);
    cursor = result.nextCursor;
    if (cursor === undefined) break;
  }
  return defs;
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError('deadline_exceeded', `${what} within ${timeoutMs} ms`, { reason: 'mcp_connect_timeout' })), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
