// @cliver/testkit: fakes and harness for tests and the keyless demo. Never used in production.

// Harness
export { freePort, freePorts } from './harness/free-port';
export { waitFor, type WaitOptions } from './harness/wait-for';
export { thrownAppError, rejectedAppError } from './harness/app-errors';
export { ManagedProcess, killStartedProcesses, LOG_DIR, type ProcessExit } from './harness/managed-process';
export { makeTempHome, type TempHome, type GatewayPorts } from './harness/temp-home';
export { runCliver, startGatewayProcess, startServiceProcess, fetchHealth, waitForHealthy } from './harness/gateway-process';
export { REPO_ROOT, CLIVER_BIN, FIXTURE_HOME, serviceMain } from './harness/repo-paths';

// Fake LLM (OpenAI and Anthropic wire formats)
export {
  startFakeLlm,
  FakeLlm,
  type FakeLlmOptions,
  type RecordedRequest,
  type Rule,
  type RuleMatch,
  type Reply,
  type ReplyBody,
  type ReplyModifiers,
  type ToolCallSpec,
  type ErrorSpec,
  type Api,
} from './fake-llm';

// Fake MCP server (stdio and Streamable HTTP)
export {
  createFakeMcpServer,
  FAKE_MCP_NAME,
  CRASH_EXIT_CODE,
  startFakeMcpHttp,
  fakeMcpCommand,
  type FakeMcpServerOptions,
  type FakeMcpHttp,
  type FakeMcpHttpOptions,
  type FakeMcpCommand,
} from './fake-mcp';
