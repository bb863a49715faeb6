import { badRequest } from '../envelope';
import { CAPTION, formatText } from '../formatted-text';
import type { FileKind, StoredFile } from '../state';
import type { Message, SentFile, UploadedFile } from '../types';
import type { MethodContext, MethodHandler } from './context';
import { postMessage, resolveTarget } from './target';

// getFile serves bots files of at most 20 MB (Bot API docs); bigger ones exist but cannot be downloaded.
const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

// Telegram names the type from the file name when the upload says only application/octet-stream, as grammY's do.
const MIME_BY_EXTENSION: Record<string, string> = {
  txt: 'text/plain', md: 'text/markdown', csv: 'text/csv', json: 'application/json', pdf: 'application/pdf',
  zip: 'application/zip', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif',
  webp: 'image/webp', ogg: 'audio/ogg', oga: 'audio/ogg', mp3: 'audio/mpeg', mp4: 'video/mp4',
};

function mimeOf(part: UploadedFile, kind: FileKind): string | undefined {
  if (kind === 'photo') return undefined;
  if (part.contentType && part.contentType !== 'application/octet-stream') return part.contentType;
  const ext = /\.([A-Za-z0-9]+)$/.exec(part.filename)?.[1]?.toLowerCase();
  return (ext && MIME_BY_EXTENSION[ext]) ?? (kind === 'voice' ? 'audio/ogg' : 'application/octet-stream');
}

interface InputFile {
  stored: StoredFile;
  sent: SentFile;
}

/** The file of a send: an uploaded part (directly or through attach://), a known file_id, or a URL. */
function inputFile(ctx: MethodContext, kind: FileKind): InputFile {
  const { params, state } = ctx;
  const value = params.string(kind) ?? '';
  const attached = value.startsWith('attach://') ? value.slice('attach://'.length) : undefined;
  const part = params.files.find((f) => f.field === (attached ?? kind));
  if (part) {
    if (part.bytes.length === 0) throw badRequest('file must be non-empty');
    const mime = mimeOf(part, kind);
    const stored = state.storeFile(kind, part.bytes, { file_name: part.filename, ...(mime ? { mime_type: mime } : {}) });
    ctx.records.upload({ ...part, method: ctx.method, file_id: stored.file_id, at: ctx.now() });
    return { stored, sent: { file_id: stored.file_id, file_name: part.filename, ...(mime ? { mime_type: mime } : {}), bytes: part.bytes } };
  }
  if (value === '') throw badRequest(`there is no ${kind} in the request`);
  if (/^https?:\/\//i.test(value)) {
    // The fake cannot fetch it (these machines have no internet): a file with no bytes stands for it.
    const stored = state.storeFile(kind, Buffer.alloc(0), { file_name: value.split('/').pop() || kind });
    return { stored, sent: { file_id: stored.file_id, url: value } };
  }
  const known = attached === undefined ? state.file(value) : undefined;
  if (!known) throw badRequest('wrong file identifier/HTTP URL specified');
  return { stored: known, sent: { file_id: known.file_id, ...(known.file_name ? { file_name: known.file_name } : {}), bytes: known.bytes } };
}

function content(kind: FileKind, f: StoredFile, ctx: MethodContext): Partial<Message> {
  const ids = { file_id: f.file_id, file_unique_id: f.file_unique_id, file_size: f.file_size };
  if (kind === 'photo') return { photo: [{ ...ids, width: 800, height: 800 }] };
  if (kind === 'voice') return { voice: { ...ids, duration: ctx.params.int('duration') ?? 1, mime_type: f.mime_type ?? 'audio/ogg' } };
  return { document: { ...ids, ...(f.file_name ? { file_name: f.file_name } : {}), ...(f.mime_type ? { mime_type: f.mime_type } : {}) } };
}

function mediaSender(kind: FileKind): MethodHandler {
  return (ctx) => {
    const { params } = ctx;
    const rawCaption = params.string('caption');
    const parseMode = params.string('parse_mode');
    const caption = rawCaption === undefined ? undefined : formatText(rawCaption, parseMode, params.json('caption_entities'), CAPTION);
    const target = resolveTarget(ctx);
    const file = inputFile(ctx, kind);
    const words: Pick<Message, 'caption' | 'caption_entities'> = caption && caption.text !== '' ? { caption: caption.text, ...(caption.entities.length > 0 ? { caption_entities: caption.entities } : {}) } : {};
    const message = postMessage(ctx, target, { ...content(kind, file.stored, ctx), ...words });
    ctx.records.message({
      method: ctx.method,
      chat_id: target.chat.id,
      message_id: message.message_id,
      ...(target.threadId !== undefined ? { message_thread_id: target.threadId } : {}),
      ...(words.caption !== undefined ? { text: words.caption, raw_text: rawCaption } : {}),
      ...(words.caption_entities ? { entities: words.caption_entities } : {}),
      ...(parseMode !== undefined ? { parse_mode: parseMode } : {}),
      ...(target.replyParameters ? { reply_parameters: target.replyParameters, reply_to_message_id: target.replyParameters.message_id as number } : {}),
      [kind]: file.sent,
      message,
      at: ctx.now(),
    });
    return message;
  };
}

export const sendDocument = mediaSender('document');
export const sendPhoto = mediaSender('photo');
export const sendVoice = mediaSender('voice');

export function getFile(ctx: MethodContext): unknown {
  const fileId = ctx.params.string('file_id') ?? '';
  const file = ctx.state.file(fileId);
  if (!file) throw badRequest(fileId === '' ? 'file_id is empty' : 'wrong file_id or the file is temporarily unavailable');
  if (file.file_size > MAX_DOWNLOAD_BYTES) throw badRequest('file is too big');
  return { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size, file_path: file.file_path };
}
