import type { Logger } from '@cliver/common';
import type { Tool } from '../tools/tool';
import type { McpServerConfig } from './create-transport';
import { ServerConnection, type ConnectionTimings, type McpServerStatus } from './server-connection';

export type { McpServerConfig, McpTransportName } from './create-transport';
export type { McpServerState, McpServerStatus } from './server-connection';

export interface McpToolSourceOptions {
  /** Per attempt: spawn or HTTP connect, MCP handshake and the first tools/list. */
  connectTimeoutMs?: number;
  /** Per tools/call; the turn's AbortSignal can end a call sooner. */
  callTimeoutMs?: number;
  /** First reconnect delay; it doubles per failure up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /**
   * The gateway's environment, of which stdio servers get only PATH, HOME, LANG and TZ.
   * main.ts passes process.env; tests pass their own.
   */
  hostEnv?: Readonly<Record<string, string | undefined>>;
  now?: () => number;
}

// Not config.yaml keys (the original CLIver has none for these), so they live here.
export const MCP_TIMING_DEFAULTS = {
  connectTimeoutMs: 10_000,
  callTimeoutMs: 60_000,
  retryBaseMs: 1_000,
  retryMaxMs: 60_000,
} as const;

/**
 * The tools of the MCP servers in config.yaml's `mcpServers`. Every server connects on its own:
 * one that fails is reported in statuses() and retried in the background, and never holds up or
 * breaks the others. tools() always reflects the servers connected right now.
 */
export class McpToolSource {
  private readonly connections: ServerConnection[];
  private readonly log: Logger;
  private readonly warnedDuplicates = new Set<string>();
  private readonly now: () => number;

  constructor(servers: Readonly<Record<string, McpServerConfig>>, log: Logger, options: McpToolSourceOptions = {}) {
    this.log = log.child({ component: 'mcp' });
    const { hostEnv = process.env, now = Date.now, ...rest } = options;
    this.now = now;
    const timings: ConnectionTimings = { ...MCP_TIMING_DEFAULTS, ...withoutUndefined(rest), now };
    this.connections = Object.entries(servers).map(
      ([name, config]) => new ServerConnection(name, config, hostEnv, timings, this.log.child({ mcpServer: name })),
    );
  }

  /**
   * Makes the first connection attempt to every server at once and resolves when each has
   * connected or failed (each bounded by connectTimeoutMs). Never rejects.
   */
  async start(): Promise<void> {
    const startedAt = this.now();
    await Promise.all(this.connections.map((c) => c.connect()));
    const statuses = this.statuses();
    this.log.info(
      {
        durationMs: this.now() - startedAt,
        connected: statuses.filter((s) => s.state === 'connected').length,
        failed: statuses.filter((s) => s.state !== 'connected').map((s) => s.name),
      },
      'MCP servers started',
    );
  }

  /** Tools of the connected servers, named `<server>__<tool>`. */
  tools(): Tool[] {
    const byName = new Map<string, Tool>();
    for (const connection of this.connections) {
      for (const tool of connection.connectedTools()) {
        const first = byName.get(tool.name);
        if (first === undefined) {
          byName.set(tool.name, tool);
        } else if (!this.warnedDuplicates.has(tool.name)) {
          // Two names can meet after sanitising (`a.b` and `a_b`); the model must see one.
          this.warnedDuplicates.add(tool.name);
          this.log.warn({ tool: tool.name, kept: first.source, dropped: tool.source }, 'two MCP tools have the same name; one is hidden');
        }
      }
    }
    return [...byName.values()];
  }

  statuses(): McpServerStatus[] {
    return this.connections.map((c) => c.status());
  }

  /** Closes every connection and stops reconnecting; stdio children are ended. */
  async stop(): Promise<void> {
    await Promise.all(this.connections.map((c) => c.stop()));
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
