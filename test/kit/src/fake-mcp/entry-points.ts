import { join } from 'node:path';

export interface FakeMcpCommand {
  command: string;
  args: string[];
}

/**
 * How to start a fake MCP entry point (`stdio-server` or `http-cli`) as a process: the compiled
 * file when running from dist/, the TypeScript source through tsx when running under jest.
 */
export function fakeMcpCommand(entry: 'stdio-server' | 'http-cli'): FakeMcpCommand {
  const fromSource = __filename.endsWith('.ts');
  const file = join(__dirname, `${entry}${fromSource ? '.ts' : '.js'}`);
  return { command: process.execPath, args: fromSource ? ['--import', 'tsx', file] : [file] };
}
