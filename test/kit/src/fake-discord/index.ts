export { FakeDiscord, startFakeDiscord } from './fake-discord';
export { FAKE_DISCORD_IDS } from './fixtures';
export type {
  DropOptions,
  FailSpec,
  FakeChannel,
  FakeDiscordOptions,
  GatewayRecord,
  IdentifyRecord,
  InjectAttachment,
  InjectMessage,
  ResumeRecord,
  RestCall,
  RouteMatch,
  SentAttachment,
  SentMessage,
  TypingEvent,
  UserSpec,
} from './types';
