import type { HeldPolls } from '../long-poll';
import type { Params } from '../params';
import type { Records } from '../records';
import type { TelegramState } from '../state';
import type { BotInfo } from '../types';

/** What a Bot API method handler works with. */
export interface MethodContext {
  /** As the client spelled it. */
  method: string;
  params: Params;
  state: TelegramState;
  records: Records;
  polls: HeldPolls;
  bot: BotInfo;
  now: () => number;
  /** Aborted when the client goes away before it got the answer. */
  closed: AbortSignal;
}

/** A handler returns the `result` of `{ ok: true, result }`, throws a BotApiError, or returns NO_ANSWER. */
export type MethodHandler = (ctx: MethodContext) => unknown;

/** The client went away while the call was held: there is nobody to answer. */
export const NO_ANSWER = Symbol('fake-telegram: no answer');
