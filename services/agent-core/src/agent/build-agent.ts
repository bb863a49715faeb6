import { homedir } from 'node:os';
import { join } from 'node:path';
import { hostTimeZone, type Config, type GatewayPaths, type Logger } from '@cliver/common';
import type { OpenedStore } from '../store/db';
import { AgentMemory } from '../memory/memory-file';
import { memoryTools } from '../memory/memory-tools';
import { identityPrompt } from '../memory/identity';
import { CachedFileText } from './cached-file-text';
import { ModelCatalog } from '../providers/model-catalog';
import { ProviderRegistry } from '../providers/provider-registry';
import { secretRedactor } from '../providers/secret-redactor';
import { SessionRepo } from '../sessions/session-repo';
import { startRetention } from '../sessions/retention';
import { SkillCatalog } from '../skills/skill-catalog';
import { TaskStore } from '../tasks/task-store';
import { taskTools } from '../tasks/task-tools';
import { Agent } from './agent';
import { TurnRegistry } from './turn-registry';
import { TurnSessions } from './turn-sessions';
import { TurnSetupBuilder } from './turn-setup';

const RETENTION_INTERVAL_MS = 15 * 60_000;

export interface BuiltAgent {
  agent: Agent;
  turns: TurnRegistry;
  sessions: SessionRepo;
  catalog: ModelCatalog;
  /** Stops background work: MCP servers, skill watching, session retention. */
  stop(): Promise<void>;
}

/** Wires the agent from config, the store and the data folder (agent-core's composition root). */
export async function buildAgent(opts: {
  config: Config;
  paths: GatewayPaths;
  store: OpenedStore;
  log: Logger;
  hostEnv: NodeJS.ProcessEnv;
  cwd: string;
}): Promise<BuiltAgent> {
  const { config, paths, store, log } = opts;
  const now = () => new Date();
  const timeZone = config.timezone ?? hostTimeZone();
  const catalog = new ModelCatalog(config, paths.configFile);
  const providers = new ProviderRegistry({ timeoutMs: config.agent.provider_timeout_seconds * 1000, redact: secretRedactor(config) });
  const sessions = new SessionRepo(store.db);
  const skills = await SkillCatalog.load({ home: paths.confDir, userHome: homedir(), cwd: opts.cwd, logger: log.child({ component: 'skills' }) });
  const stopWatching = skills.watch();
  const memory: AgentMemory = new AgentMemory({ home: paths.confDir, agent: paths.agent, now, timeZone, onWrite: () => profile.invalidate() });
  const profile = new CachedFileText(
    () => [join(paths.agentDir, 'identity.md'), memory.pathOf('global'), memory.pathOf('agent')],
    async () => [await identityPrompt(paths.agentDir), await memory.memoryPrompt()].filter(Boolean).join('\n\n'),
  );
  const tasks = new TaskStore({ db: store.db, tasksDir: join(paths.agentDir, 'tasks'), timezone: timeZone, now });
  // The MCP SDK is loaded only when servers are configured: it costs start-up time and memory.
  const mcp = Object.keys(config.mcpServers).length
    ? new (await import('../mcp/mcp-tool-source.js')).McpToolSource(config.mcpServers, log.child({ component: 'mcp' }), { hostEnv: opts.hostEnv })
    : undefined;
  void mcp?.start();
  const setup = new TurnSetupBuilder({
    agentName: paths.agent,
    agentDir: paths.agentDir,
    timeZone,
    skills,
    profile,
    builtinTools: [...taskTools(tasks), ...memoryTools(memory)],
    mcpTools: () => mcp?.tools() ?? [],
    now,
  });
  const turnSessions = new TurnSessions({ repo: sessions, providers, maxTurnsPerSession: config.session.max_turns_per_session, log, now });
  const agent = new Agent({ catalog, providers, sessions: turnSessions, setup, log, maxIterations: config.agent.max_iterations });
  const retention = startRetention(
    store.db,
    { maxSessions: config.session.max_sessions, maxTurnsPerSession: config.session.max_turns_per_session, maxAgeDays: config.session.max_age_days },
    {
      intervalMs: RETENTION_INTERVAL_MS,
      now,
      onResult: (r) => (r.expired || r.trimmedTurns || r.overflow) && log.info(r, 'old sessions cleaned up'),
      onError: (err) => log.error({ err }, 'session cleanup failed'),
    },
  );
  return {
    agent,
    turns: new TurnRegistry(),
    sessions,
    catalog,
    stop: async () => {
      retention.stop();
      stopWatching();
      await mcp?.stop();
    },
  };
}
