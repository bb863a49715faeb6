import { FAKE_DISCORD_IDS } from '../fixtures';
import { openThread } from '../threads';
import { objectBody, requireChannel, type RestContext, type RestRequest, type RestResult } from './context';
import { fieldError, invalidFormBody, threadExists, unknownMessage, unknownUser, wrongChannelType } from './errors';

const GUILD_TEXT = 0;

export function getChannel(ctx: RestContext, req: RestRequest): RestResult {
  return { status: 200, body: requireChannel(ctx, req.params.channel) };
}

/** POST /channels/:id/typing: Discord answers 204 with no body and shows "typing" for about 10 s. */
export function typing(ctx: RestContext, req: RestRequest): RestResult {
  const channel = requireChannel(ctx, req.params.channel);
  ctx.records.typed({ channelId: channel.id, at: ctx.state.now() });
  return { status: 204 };
}

/** POST /users/@me/channels `{ recipient_id }`: the bot's DM channel with that user, the same one every time. */
export function createDm(ctx: RestContext, req: RestRequest): RestResult {
  const body = objectBody(req.body);
  if (body.recipient_id === undefined) throw invalidFormBody({ recipient_id: fieldError('BASE_TYPE_REQUIRED', 'This field is required') });
  const user = ctx.state.knownUser(String(body.recipient_id));
  if (!user) throw unknownUser();
  return { status: 200, body: ctx.state.dmChannelFor(user) };
}

function threadName(body: Record<string, unknown>): string {
  const name = body.name;
  if (typeof name !== 'string' || name.length === 0) throw invalidFormBody({ name: fieldError('BASE_TYPE_REQUIRED', 'This field is required') });
  if ([...name].length > 100) throw invalidFormBody({ name: fieldError('BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.') });
  return name;
}

/** POST /channels/:id/messages/:mid/threads (message.startThread): the thread takes the message's id. */
export function startThreadFromMessage(ctx: RestContext, req: RestRequest): RestResult {
  const parent = requireChannel(ctx, req.params.channel);
  if (parent.type !== GUILD_TEXT) throw wrongChannelType();
  const message = ctx.state.message(req.params.message ?? '');
  if (!message || message.channel_id !== parent.id) throw unknownMessage();
  if (ctx.state.channel(message.id)) throw threadExists();
  const name = threadName(objectBody(req.body));
  const thread = openThread(ctx.state, ctx.broadcast, { id: message.id, name, parentId: parent.id, ownerId: FAKE_DISCORD_IDS.bot });
  return { status: 201, body: thread };
}

/** POST /channels/:id/threads (channel.threads.create): a thread without a starter message. */
export function startThread(ctx: RestContext, req: RestRequest): RestResult {
  const parent = requireChannel(ctx, req.params.channel);
  if (parent.type !== GUILD_TEXT) throw wrongChannelType();
  const name = threadName(objectBody(req.body));
  const thread = openThread(ctx.state, ctx.broadcast, { id: ctx.state.snowflake(), name, parentId: parent.id, ownerId: FAKE_DISCORD_IDS.bot });
  return { status: 201, body: thread };
}
