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

// Fake Telegram Bot API (grammY long polling, sends, uploads, downloads)
export {
  startFakeTelegram,
  FakeTelegram,
  FAKE_TELEGRAM_IDS,
  MAX_TEXT_LENGTH as TELEGRAM_MAX_TEXT_LENGTH,
  MAX_CAPTION_LENGTH as TELEGRAM_MAX_CAPTION_LENGTH,
  parseMarkdownV2,
  MarkupError as TelegramMarkupError,
  type FakeTelegramOptions,
  type WaitForOptions as FakeTelegramWaitOptions,
  type InjectMessage as TelegramInjectMessage,
  type Failure as TelegramFailure,
  type RecordedCall as TelegramRecordedCall,
  type SentMessage as TelegramSentMessage,
  type SentFile as TelegramSentFile,
  type ServedUpdate as TelegramServedUpdate,
  type ChatAction as TelegramChatAction,
  type EditedMessage as TelegramEditedMessage,
  type Upload as TelegramUpload,
  type ChatKind as TelegramChatKind,
  type CallOutcome as TelegramCallOutcome,
  type Update as TelegramUpdate,
  type Message as TelegramMessage,
  type MessageEntity as TelegramMessageEntity,
  type Chat as TelegramChat,
  type BotInfo as TelegramBotInfo,
  type BotUser as TelegramBotUser,
} from './fake-telegram';

// Fake Discord (REST + gateway WebSocket for discord.js v14)
export {
  startFakeDiscord,
  FakeDiscord,
  FAKE_DISCORD_IDS,
  type FakeDiscordOptions,
  type FakeChannel as DiscordFakeChannel,
  type InjectMessage as DiscordInjectMessage,
  type InjectAttachment as DiscordInjectAttachment,
  type UserSpec as DiscordUserSpec,
  type FailSpec as DiscordFailSpec,
  type RouteMatch as DiscordRouteMatch,
  type DropOptions as DiscordDropOptions,
  type RestCall as DiscordRestCall,
  type SentMessage as DiscordSentMessage,
  type SentAttachment as DiscordSentAttachment,
  type TypingEvent as DiscordTypingEvent,
  type GatewayRecord as DiscordGatewayRecord,
  type IdentifyRecord as DiscordIdentifyRecord,
  type ResumeRecord as DiscordResumeRecord,
} from './fake-discord';
