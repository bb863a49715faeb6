import { Command, Option } from 'commander';
import { EXIT, LOG_LEVELS } from '@cliver/common';
import type { GlobalFlags } from './commands/cli-context';
import { gatewayStart, gatewayStartDetached } from './commands/gateway-start';
import { gatewayStatus } from './commands/gateway-status';
import { gatewayStop } from './commands/gateway-stop';
import { probe } from './commands/probe';
import { chat } from './commands/chat';

// `cliver gateway status | head` closes the pipe early: the reader has what it wanted, which is
// not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

function withGlobals(cmd: Command): Command {
  return cmd
    .option('--agent <name>', 'agent whose data folder to use (default: config default_agent_name, else CLIver)')
    .option('--config <path>', 'config file (default: $CLIVER_CONF_DIR/config.yaml)')
    .addOption(new Option('--log-level <level>', 'service log level').choices([...LOG_LEVELS]).default('info'));
}

function run(action: (flags: GlobalFlags & Record<string, unknown>) => Promise<number>) {
  return async (opts: GlobalFlags & Record<string, unknown>) => {
    process.exitCode = await action(opts);
  };
}

const program = new Command('cliver').description('CLIver Gateway').showHelpAfterError();
const gateway = program.command('gateway').description('run and manage the gateway');

withGlobals(gateway.command('start').description('start the four services (foreground unless --detach)'))
  .option('--detach', 'run in the background, logging to gateway.log_file')
  .action(run((o) => (o.detach ? gatewayStartDetached(o) : gatewayStart(o))));
withGlobals(gateway.command('stop').description('stop the running gateway')).action(run(gatewayStop));
withGlobals(gateway.command('restart').description('stop, then start in the background')).action(
  run(async (o) => {
    const stopped = await gatewayStop(o);
    return stopped === EXIT.OK ? gatewayStartDetached(o) : stopped;
  }),
);
withGlobals(gateway.command('status').description('show every service, its pid, uptime and lease')).action(run(gatewayStatus));
withGlobals(program.command('chat <prompt>').description('one turn with the agent, streamed; stored as a CLI session'))
  .option('--session <id>', 'continue this session')
  .option('--model <model>', 'model id or unique short name (default: default_model)')
  .action(async (prompt: string, opts: GlobalFlags & { session?: string; model?: string }) => {
    process.exitCode = await chat(prompt, opts);
  });
program
  .command('probe <address>')
  .description('exit 0 when the gRPC server at HOST:PORT is healthy (container health checks)')
  .action(async (address: string) => {
    process.exitCode = await probe(address);
  });

program.parseAsync(process.argv).then(
  () => {
    // gRPC channels and timers may linger; the command is done.
    setImmediate(() => process.exit(process.exitCode ?? 0));
  },
  (err: unknown) => {
    process.stderr.write(`cliver: ${(err as Error).message}\n`);
    process.exit(EXIT.FAILED);
  },
);
