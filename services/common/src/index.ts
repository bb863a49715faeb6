// @cliver/common: the only runtime code shared by the services. Exports are listed by name.

// Errors and their mapping at each boundary
export { AppError, ERROR_CODES, isErrorCode, type ErrorCode, type AppErrorOptions } from './errors/app-error';
export { toGrpcError, fromGrpcError, toTurnError, fromTurnError } from './errors/grpc';
export { HTTP_STATUS } from './errors/http';
export { toOpenAiError, retryAfterSeconds, type OpenAiErrorBody } from './errors/openai';

// Config
export {
  Config,
  ConfigError,
  formatConfigProblem,
  loadConfig,
  secretPaths,
  maskSecret,
  writeStarterConfig,
  listModelIds,
  findModelId,
  describeModelLookupFailure,
  suggestKey,
  type ConfigProblem,
  type LoadedConfig,
  type Provider,
  type ModelEntry,
  type McpServer,
  type Platform,
  isAdapterModule,
} from './config';
export { describeZodIssue } from './validation/describe-issue';
export { parseYamlSource, type YamlSource, type YamlParseResult } from './config/yaml-source';

// Time, polling and backoff
export { isTimeZone, hostTimeZone, dateTimeFormat } from './time/time-zone';
export { pollUntil, type PollOptions } from './time/poll-until';
export { pause } from './time/pause';

// Schedules: one reading of cron for validation (agent-core) and firing (scheduler)
export { validateCron } from './schedule/cron-syntax';
export { occurrencesAfter, occurrencesBetween } from './schedule/occurrences';
export { backoffDelayMs, type BackoffPolicy } from './retry/backoff';

// Logging and lifecycle
export { createLogger, LOG_LEVELS, type Logger } from './logging/logger';
export { handleShutdown, announceReady, waitForGo, type ShutdownStep } from './lifecycle/shutdown';

// Service bootstrap
export { bootService, resolvePaths, internalAddress, type ServiceContext, type GatewayPaths } from './service/boot';
export { loadInternalKey, internalKeyFile, INTERNAL_KEY_ENV, INTERNAL_KEY_FILE_ENV, type InternalKey } from './service/internal-key';
export { EXIT } from './service/exit-codes';
export { processIdentity, SERVICE_NAMES, type ServiceName } from './service/identity';

// gRPC plumbing
export {
  startGrpcServer,
  MAX_MESSAGE_BYTES,
  MAX_ATTACHMENT_BYTES,
  grpcService,
  unary,
  serverStream,
  type GrpcService,
  type GrpcServerOptions,
  type ServerOf,
  type HandlerOf,
  type RunningGrpcServer,
  type UnaryHandler,
  type StreamHandler,
} from './rpc/serve';
export { INTERNAL_KEY_HEADER } from './rpc/internal-auth';
export { call, readStream, DEFAULT_DEADLINE_MS, type CallOptionsLite } from './rpc/call';
export { ChatMuxClient } from './rpc/chat-mux';
export { FrameBatch } from './rpc/frame-batch';
export {
  agentCoreClients,
  adapterHostClients,
  schedulerClients,
  serviceInfoClient,
  checkHealth,
  closeClients,
  type AgentCoreClients,
  type HealthState,
} from './rpc/clients';
export { LeaseKeeper, type LeaseKeeperOptions } from './rpc/lease-keeper';
export { serviceInfoService, ServiceRole, VERSION } from './rpc/service-info';

// Generated contracts (proto/cliver/v1)
export { LeaseServiceService, type Lease, type LeaseHolder, type LeaseServiceServer } from './gen/cliver/v1/lease';
export { CoreServiceService, type CoreServiceServer, type GetCoreStatusResponse } from './gen/cliver/v1/core';
export {
  AdapterHostServiceService,
  type AdapterHostServiceServer,
  type AdapterStatus,
  type GetAdapterStatusResponse,
} from './gen/cliver/v1/adapter';
export { SchedulerServiceService, type SchedulerServiceServer, type GetSchedulerStatusResponse } from './gen/cliver/v1/scheduler';
export { type ServiceInfo, type ServiceInfoServiceServer } from './gen/cliver/v1/service_info';
export { startLeasedService, type LeasedService, type LeasedServiceOptions } from './service/leased-service';
export {
  AgentServiceService,
  AgentServiceClient,
  Surface as ProtoSurface,
  type AgentServiceServer,
  ChatRequest,
  type ChatResponse,
  type ChatMuxRequest,
  type ChatMuxRequestFrame,
  type ChatMuxResponse,
  type ChatMuxResponseFrame,
  type ChatMessage as ProtoChatMessage,
  type ClientTool,
  type SamplingOptions as ProtoSamplingOptions,
} from './gen/cliver/v1/agent';
export {
  SessionsServiceService,
  SessionsServiceClient,
  type SessionsServiceServer,
  type ListSessionsRequest,
  type Session as ProtoSession,
  type Turn as ProtoTurn,
} from './gen/cliver/v1/sessions';
export {
  MessagingServiceService,
  MessagingServiceClient,
  type MessagingServiceServer,
  type Fence,
  type ConversationAddress,
  type Attachment as ProtoAttachment,
  type InboundMessage,
  type OutboxEntry as ProtoOutboxEntry,
  type TurnActivity,
  type StreamOutboxResponse,
} from './gen/cliver/v1/messaging';
