export { FakeLlm, startFakeLlm, type FakeLlmOptions } from './server';
export type {
  Api,
  ErrorSpec,
  RecordedRequest,
  Reply,
  ReplyBody,
  ReplyModifiers,
  Rule,
  RuleMatch,
  ToolCallSpec,
} from './types';
