import { Bot, GrammyError, HttpError, InputFile } from 'grammy';
import { waitFor } from '../harness/wait-for';
import { FAKE_TELEGRAM_IDS as IDS, startFakeTelegram, type FakeTelegram } from './index';

let fake: FakeTelegram;
let bot: Bot;

beforeEach(async () => {
  fake = await startFakeTelegram();
  bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
});
afterEach(() => fake.close());

/** The GrammyError (or HttpError) a call rejects with. */
async function failure(call: Promise<unknown>): Promise<GrammyError | HttpError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err instanceof GrammyError || err instanceof HttpError) return err;
  throw new Error(`expected the call to fail with a grammY error, got ${String(err)}`);
}

const grammyError = async (call: Promise<unknown>): Promise<GrammyError> => {
  const err = await failure(call);
  if (!(err instanceof GrammyError)) throw new Error(`expected a GrammyError, got ${err.message}`);
  return err;
};

describe('handshake and auth', () => {
  test('getMe answers the bot, deleteWebhook answers true', async () => {
    expect(fake.apiRoot).toBe(`http://127.0.0.1:${fake.port}`);
    const me = await bot.api.getMe();
    expect(me).toMatchObject({ id: IDS.botId, is_bot: true, username: 'fake_bot', can_join_groups: true });
    expect(await bot.api.deleteWebhook({ drop_pending_updates: false })).toBe(true);
    expect(fake.calls.map((c) => [c.method, c.outcome, c.status])).toEqual([
      ['getMe', 'ok', 200],
      ['deleteWebhook', 'ok', 200],
    ]);
  });

  test('another token gets 401 Unauthorized, an unknown method 404 Not Found', async () => {
    const stranger = new Bot('1:wrong', { client: { apiRoot: fake.apiRoot } });
    const denied = await grammyError(stranger.api.getMe());
    expect([denied.error_code, denied.description]).toEqual([401, 'Unauthorized']);
    const res = await fetch(`${fake.apiRoot}/bot${fake.token}/noSuchMethod`, { method: 'POST' });
    expect([res.status, await res.json()]).toEqual([404, { ok: false, error_code: 404, description: 'Not Found' }]);
  });
});

describe('getUpdates', () => {
  test('serves a queued update, and never again once an offset confirmed it', async () => {
    const update = fake.injectMessage({ text: 'hello' });
    const first = await bot.api.getUpdates({ offset: 0, timeout: 0 });
    expect(first).toEqual([update]);
    expect(first[0].message).toMatchObject({ chat: { id: IDS.dmChatId, type: 'private' }, from: { id: IDS.userId, first_name: 'Alice' }, text: 'hello' });
    expect(await bot.api.getUpdates({ offset: update.update_id + 1, timeout: 0 })).toEqual([]);
    expect(await bot.api.getUpdates({ offset: 0, timeout: 0 })).toEqual([]);
  });

  test('an update that no offset confirmed is served again on the next poll', async () => {
    const a = fake.injectMessage({ text: 'one' });
    const b = fake.injectMessage({ text: 'two' });
    expect(b.update_id).toBe(a.update_id + 1);
    expect((await bot.api.getUpdates({ timeout: 0 })).map((u) => u.update_id)).toEqual([a.update_id, b.update_id]);
    expect((await bot.api.getUpdates({ timeout: 0 })).map((u) => u.update_id)).toEqual([a.update_id, b.update_id]);
    expect((await bot.api.getUpdates({ offset: b.update_id, timeout: 0 })).map((u) => u.update_id)).toEqual([b.update_id]);
  });

  test('a long poll is held until a message is injected, then answers at once', async () => {
    const started = Date.now();
    const poll = bot.api.getUpdates({ offset: 1, timeout: 20 });
    await waitFor(() => fake.heldPolls === 1, { timeoutMs: 5000, intervalMs: 10, what: 'the poll to be held' });
    const update = fake.injectMessage({ text: 'wake up' });
    expect(await poll).toEqual([update]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('a long poll with nothing to serve answers [] after its timeout', async () => {
    const started = Date.now();
    expect(await bot.api.getUpdates({ timeout: 1 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  test('a newer getUpdates ends the held one with 409 Conflict', async () => {
    const held = bot.api.getUpdates({ timeout: 20 });
    await waitFor(() => fake.heldPolls === 1, { timeoutMs: 5000, intervalMs: 10 });
    expect(await bot.api.getUpdates({ timeout: 0 })).toEqual([]);
    const err = await grammyError(held);
    expect([err.error_code, err.description]).toEqual([409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running']);
  });

  test('replayUpdate serves a confirmed update again, as a redelivery', async () => {
    const update = fake.injectMessage({ text: 'once' });
    await bot.api.getUpdates({ timeout: 0 });
    expect(await bot.api.getUpdates({ offset: update.update_id + 1, timeout: 0 })).toEqual([]);
    fake.replayUpdate(update.update_id);
    expect(await bot.api.getUpdates({ offset: update.update_id + 1, timeout: 0 })).toEqual([update]);
    expect(await bot.api.getUpdates({ offset: update.update_id + 1, timeout: 0 })).toEqual([]);
  });

  test('allowed_updates filters update kinds', async () => {
    fake.injectUpdate({ edited_message: { message_id: 1, date: 1, chat: { id: IDS.dmChatId, type: 'private' }, text: 'edited' } });
    const message = fake.injectMessage({ text: 'new' });
    expect(await bot.api.getUpdates({ timeout: 0, allowed_updates: ['message'] })).toEqual([message]);
  });
});

describe('chats, topics and replies', () => {
  test('a topic message carries message_thread_id, and a reply into the topic lands there', async () => {
    const { message } = fake.injectMessage({ chat: 'topic', text: 'in the topic' });
    expect(message).toMatchObject({
      chat: { id: IDS.forumChatId, type: 'supergroup', is_forum: true },
      message_thread_id: IDS.topicThreadId,
      is_topic_message: true,
      reply_to_message: { message_id: IDS.topicThreadId, forum_topic_created: expect.any(Object) },
    });
    const sent = await bot.api.sendMessage(IDS.forumChatId, 'answer', {
      message_thread_id: IDS.topicThreadId,
      reply_parameters: { message_id: message!.message_id, allow_sending_without_reply: true },
      link_preview_options: { is_disabled: true },
    });
    expect(sent).toMatchObject({ message_thread_id: IDS.topicThreadId, is_topic_message: true, reply_to_message: { message_id: message!.message_id } });
    expect(fake.sent(IDS.forumChatId, IDS.topicThreadId)).toEqual([
      expect.objectContaining({ text: 'answer', message_id: sent.message_id, reply_to_message_id: message!.message_id, link_preview_options: { is_disabled: true } }),
    ]);
  });

  test('unknown chats, threads and replied messages are refused in Telegram words', async () => {
    const chat = await grammyError(bot.api.sendMessage(123456, 'hi'));
    expect(chat.description).toBe('Bad Request: chat not found');
    const thread = await grammyError(bot.api.sendMessage(IDS.forumChatId, 'hi', { message_thread_id: 777 }));
    expect(thread.description).toBe('Bad Request: message thread not found');
    const reply = await grammyError(bot.api.sendMessage(IDS.dmChatId, 'hi', { reply_parameters: { message_id: 999 } }));
    expect(reply.description).toBe('Bad Request: message to be replied not found');
    expect(fake.sent()).toEqual([]);
  });

  test('mentionBot adds the handle with its entity; replyToBot replies to the bot', async () => {
    const posted = await bot.api.sendMessage(IDS.groupChatId, 'earlier answer');
    const { message } = fake.injectMessage({ chat: 'group', text: 'what now?', mentionBot: true, replyToBot: true, from: { id: 7, first_name: 'Bob' } });
    expect(message).toMatchObject({
      chat: { id: IDS.groupChatId, type: 'supergroup' },
      from: { id: 7, first_name: 'Bob', is_bot: false },
      text: '@fake_bot what now?',
      entities: [{ type: 'mention', offset: 0, length: 9 }],
      reply_to_message: { message_id: posted.message_id, from: { id: IDS.botId } },
    });
  });

  test('editMessageText changes the bot message; the same text again is "not modified"', async () => {
    const posted = await bot.api.sendMessage(IDS.dmChatId, 'draft');
    const edited = await bot.api.editMessageText(IDS.dmChatId, posted.message_id, 'final');
    expect(edited).toMatchObject({ message_id: posted.message_id, text: 'final', edit_date: expect.any(Number) });
    const same = await grammyError(bot.api.editMessageText(IDS.dmChatId, posted.message_id, 'final'));
    expect(same.description).toMatch(/^Bad Request: message is not modified/);
    expect(fake.edits.map((e) => e.text)).toEqual(['final']);
  });

  test('sendChatAction is recorded with its thread; a wrong action is refused', async () => {
    expect(await bot.api.sendChatAction(IDS.forumChatId, 'typing', { message_thread_id: IDS.topicThreadId })).toBe(true);
    expect(fake.actions).toEqual([{ chat_id: IDS.forumChatId, action: 'typing', message_thread_id: IDS.topicThreadId, at: expect.any(Number) }]);
    const bad = await grammyError(bot.api.sendChatAction(IDS.dmChatId, 'dancing' as never));
    expect(bad.description).toBe('Bad Request: wrong parameter action in request');
  });
});

describe('sendMessage validation', () => {
  test('the limit is 4096 UTF-16 code units after parsing: an emoji counts 2', async () => {
    await expect(bot.api.sendMessage(IDS.dmChatId, 'a'.repeat(4096))).resolves.toMatchObject({ text: 'a'.repeat(4096) });
    await expect(bot.api.sendMessage(IDS.dmChatId, `${'a'.repeat(4094)}😀`)).resolves.toBeDefined();
    for (const text of ['a'.repeat(4097), `${'a'.repeat(4095)}😀`]) {
      const err = await grammyError(bot.api.sendMessage(IDS.dmChatId, text));
      expect([err.error_code, err.description]).toEqual([400, 'Bad Request: message is too long']);
    }
    // Markup does not count: 4096 visible characters inside bold are fine.
    await expect(bot.api.sendMessage(IDS.dmChatId, `*${'a'.repeat(4096)}*`, { parse_mode: 'MarkdownV2' })).resolves.toBeDefined();
  });

  test('empty or blank text is refused', async () => {
    for (const text of ['', '  \n ']) {
      const err = await grammyError(bot.api.sendMessage(IDS.dmChatId, text));
      expect(err.description).toBe('Bad Request: message text is empty');
    }
  });

  test('MarkdownV2 is parsed into entities, and bad escaping is refused', async () => {
    const ok = await bot.api.sendMessage(IDS.dmChatId, '*bold* and \\. escaped', { parse_mode: 'MarkdownV2' });
    expect(ok).toMatchObject({ text: 'bold and . escaped', entities: [{ type: 'bold', offset: 0, length: 4 }] });
    const err = await grammyError(bot.api.sendMessage(IDS.dmChatId, 'Done.', { parse_mode: 'MarkdownV2' }));
    expect([err.error_code, err.description]).toEqual([400, "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'"]);
  });

  test('given entities are checked: out of range and unknown types are refused', async () => {
    const ok = await bot.api.sendMessage(IDS.dmChatId, 'hi 😀 there', { entities: [{ type: 'italic', offset: 3, length: 2 }] });
    expect(ok.entities).toEqual([{ type: 'italic', offset: 3, length: 2 }]);
    const range = await grammyError(bot.api.sendMessage(IDS.dmChatId, 'hi', { entities: [{ type: 'bold', offset: 1, length: 2 }] }));
    expect(range.description).toMatch(/^Bad Request: can't parse entities: /);
    const type = await grammyError(bot.api.sendMessage(IDS.dmChatId, 'hi', { entities: [{ type: 'shiny' as never, offset: 0, length: 2 }] }));
    expect(type.description).toBe("Bad Request: can't parse MessageEntity: Unsupported type specified");
  });
});

describe('faults', () => {
  test('a 429 with retry_after reaches grammY as a GrammyError with parameters.retry_after', async () => {
    fake.failNext(1, { status: 429, retryAfter: 7 }, 'sendMessage');
    await expect(bot.api.getMe()).resolves.toBeDefined();
    const err = await grammyError(bot.api.sendMessage(IDS.dmChatId, 'hi'));
    expect([err.error_code, err.description, err.parameters.retry_after]).toEqual([429, 'Too Many Requests: retry after 7', 7]);
    await expect(bot.api.sendMessage(IDS.dmChatId, 'hi')).resolves.toBeDefined();
  });

  test('failures for any method are used up in order; a raw body becomes an HttpError', async () => {
    fake.failNext(2, { status: 500 });
    fake.failNext(1, { status: 502, rawBody: '<html>502 Bad Gateway</html>' });
    expect((await grammyError(bot.api.getMe())).description).toBe('Internal Server Error');
    expect((await grammyError(bot.api.deleteWebhook())).error_code).toBe(500);
    expect(await failure(bot.api.getMe())).toBeInstanceOf(HttpError);
    await expect(bot.api.getMe()).resolves.toBeDefined();
  });

  test("drop 'after' posts the message but the answer never arrives", async () => {
    fake.failNext(1, { drop: 'after' }, 'sendMessage');
    expect(await failure(bot.api.sendMessage(IDS.dmChatId, 'lost answer'))).toBeInstanceOf(HttpError);
    expect(fake.sent().map((m) => m.text)).toEqual(['lost answer']);
  });

  test('a held call is processed on release; one whose client left meanwhile is never processed', async () => {
    fake.holdNext('sendMessage', { skip: 1, count: 2 });
    await bot.api.sendMessage(IDS.dmChatId, 'passes');
    const kept = bot.api.sendMessage(IDS.dmChatId, 'held then released');
    const controller = new AbortController();
    const abandoned = bot.api.sendMessage(IDS.dmChatId, 'held then abandoned', undefined, controller.signal as never);
    await waitFor(() => fake.held().length === 2, { timeoutMs: 5000, intervalMs: 10, what: 'two held sends' });
    expect(fake.held().map((c) => c.outcome)).toEqual(['held', 'held']);
    controller.abort();
    expect(await failure(abandoned)).toBeInstanceOf(HttpError);
    await waitFor(() => fake.held().length === 1, { timeoutMs: 5000, intervalMs: 10, what: 'the abandoned send to be dropped' });
    expect(fake.release()).toBe(1);
    await expect(kept).resolves.toMatchObject({ text: 'held then released' });
    expect(fake.sent().map((m) => m.text)).toEqual(['passes', 'held then released']);
  });

  test('servedUpdates records each update a poll was given', async () => {
    const update = fake.injectMessage({ chat: 'group', text: 'count me' });
    await bot.api.getUpdates({ timeout: 0 });
    expect(fake.servedUpdates()).toEqual([{ updateId: update.update_id, chatId: IDS.groupChatId, text: 'count me', servedAt: expect.any(Number) }]);
  });

  test('stallPolls keeps getUpdates open without an answer until the client gives up', async () => {
    fake.stallPolls(true);
    fake.injectMessage({ text: 'waiting' });
    const controller = new AbortController();
    const started = Date.now();
    const timer = setTimeout(() => controller.abort(), 500);
    const err = await failure(bot.api.getUpdates({ timeout: 0 }, controller.signal as never));
    clearTimeout(timer);
    expect(err).toBeInstanceOf(HttpError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(fake.calls.at(-1)).toMatchObject({ method: 'getUpdates', outcome: 'stalled' });
    fake.stallPolls(false);
    expect(await bot.api.getUpdates({ timeout: 0 })).toHaveLength(1);
  });

  test('dropConnections makes an in-flight long poll fail with a network error', async () => {
    const poll = bot.api.getUpdates({ timeout: 20 });
    await waitFor(() => fake.heldPolls === 1, { timeoutMs: 5000, intervalMs: 10 });
    fake.dropConnections();
    expect(await failure(poll)).toBeInstanceOf(HttpError);
    await waitFor(() => fake.heldPolls === 0, { timeoutMs: 5000, intervalMs: 10, what: 'the fake to let go of the dropped poll' });
  });

  test('restart listens on the same port and keeps queued updates', async () => {
    const { port, apiRoot } = fake;
    const update = fake.injectMessage({ text: 'survives' });
    await fake.restart();
    expect([fake.port, fake.apiRoot]).toEqual([port, apiRoot]);
    const fresh = new Bot(fake.token, { client: { apiRoot } });
    expect(await fresh.api.getUpdates({ timeout: 0 })).toEqual([update]);
  });
});

describe('files', () => {
  test('a document upload through InputFile is stored, answered and downloadable', async () => {
    const bytes = Buffer.from('report body\n');
    const sent = await bot.api.sendDocument(IDS.forumChatId, new InputFile(bytes, 'report.txt'), { caption: 'the report', message_thread_id: IDS.topicThreadId });
    expect(sent).toMatchObject({ caption: 'the report', message_thread_id: IDS.topicThreadId, document: { file_name: 'report.txt', mime_type: 'text/plain', file_size: bytes.length } });
    expect(fake.uploads).toEqual([expect.objectContaining({ method: 'sendDocument', filename: 'report.txt', bytes, file_id: sent.document.file_id })]);
    expect(fake.sent(IDS.forumChatId)[0]).toMatchObject({ method: 'sendDocument', text: 'the report', document: { file_name: 'report.txt', bytes } });
    const file = await bot.api.getFile(sent.document.file_id);
    const res = await fetch(`${fake.apiRoot}/file/bot${fake.token}/${file.file_path}`);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
  });

  test('getFile and the download route return the bytes of an injected photo', async () => {
    const photo = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
    const { message } = fake.injectMessage({ photo, caption: 'look' });
    expect(message).toMatchObject({ caption: 'look', photo: [expect.any(Object), expect.any(Object)] });
    const largest = message!.photo!.at(-1)!;
    const file = await bot.api.getFile(largest.file_id);
    expect(file).toMatchObject({ file_id: largest.file_id, file_size: photo.length, file_path: expect.stringMatching(/^photos\//) });
    const res = await fetch(`${fake.apiRoot}/file/bot${fake.token}/${file.file_path}`);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(photo);
    expect((await fetch(`${fake.apiRoot}/file/bot${fake.token}/photos/none.jpg`)).status).toBe(404);
    expect((await grammyError(bot.api.getFile('nope'))).description).toBe('Bad Request: wrong file_id or the file is temporarily unavailable');
  });

  test('injected documents and voice notes carry their metadata and serve their bytes', async () => {
    const pdf = Buffer.from('%PDF-1.4 fake');
    const doc = fake.injectMessage({ chat: 'group', document: { data: pdf, fileName: 'spec.pdf', mimeType: 'application/pdf' }, text: 'see attached' }).message!;
    expect(doc).toMatchObject({ caption: 'see attached', document: { file_name: 'spec.pdf', mime_type: 'application/pdf', file_size: pdf.length } });
    expect(doc.text).toBeUndefined();
    const voice = fake.injectMessage({ voice: { data: Buffer.from('OggS'), duration: 3 } }).message!;
    expect(voice.voice).toMatchObject({ duration: 3, mime_type: 'audio/ogg', file_size: 4 });
    const file = await bot.api.getFile(doc.document!.file_id);
    expect(file.file_path).toMatch(/^documents\/file_\d+\.pdf$/);
    const res = await fetch(`${fake.apiRoot}/file/bot${fake.token}/${file.file_path}`);
    expect([res.headers.get('content-type'), Buffer.from(await res.arrayBuffer())]).toEqual(['application/pdf', pdf]);
  });

  test('waitForSent resolves when the bot posts a matching message', async () => {
    const waiting = fake.waitForSent((m) => m.text === 'later', { timeoutMs: 5000 });
    await bot.api.sendMessage(IDS.dmChatId, 'sooner');
    await bot.api.sendMessage(IDS.dmChatId, 'later');
    expect(await waiting).toMatchObject({ chat_id: IDS.dmChatId, text: 'later' });
  });
});
