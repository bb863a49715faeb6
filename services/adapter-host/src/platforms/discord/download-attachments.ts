import type { IncomingFile } from '../../platform';

/** One attachment of a Discord message, as MESSAGE_CREATE lists it. */
export interface AttachmentRef {
  url: string;
  fileName: string;
  sizeBytes: number;
  contentType: string | null;
}

export interface DownloadOptions {
  /** Per attachment; they download side by side, so this also bounds the whole message. */
  timeoutMs: number;
  maxBytes: number;
  /** Aborts every download (the adapter stops). */
  signal: AbortSignal;
}

export interface SkippedAttachment {
  fileName: string;
  reason: string;
}

export interface Downloaded {
  files: IncomingFile[];
  skipped: SkippedAttachment[];
}

function kindOf(contentType: string | null): IncomingFile['kind'] {
  if (contentType?.startsWith('image/')) return 'image';
  if (contentType?.startsWith('audio/')) return 'voice';
  return 'file';
}

const MIB = 1024 * 1024;

function sizeText(bytes: number): string {
  return bytes >= MIB ? `${Math.round((bytes / MIB) * 10) / 10} MiB` : `${bytes} bytes`;
}

function reasonOf(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  if (e?.name === 'AbortError') return 'the adapter stopped';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

async function downloadOne(ref: AttachmentRef, o: DownloadOptions): Promise<IncomingFile> {
  if (ref.sizeBytes > o.maxBytes) throw new Error(`larger than ${sizeText(o.maxBytes)}`);
  const res = await fetch(ref.url, { signal: AbortSignal.any([o.signal, AbortSignal.timeout(o.timeoutMs)]) });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`HTTP ${res.status}`);
  }
  const data = new Uint8Array(await res.arrayBuffer());
  if (data.byteLength > o.maxBytes) throw new Error(`larger than ${sizeText(o.maxBytes)}`);
  return { kind: kindOf(ref.contentType), fileName: ref.fileName, mimeType: ref.contentType ?? 'application/octet-stream', data };
}

/**
 * Downloads a message's attachments once, before the message is recorded. A download that fails
 * is skipped, not retried: the message must still be recorded (Discord will not send it again),
 * and a dead CDN link must not hold up the channel's later messages.
 */
export async function downloadAttachments(refs: AttachmentRef[], options: DownloadOptions): Promise<Downloaded> {
  const results = await Promise.allSettled(refs.map((ref) => downloadOne(ref, options)));
  const out: Downloaded = { files: [], skipped: [] };
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') out.files.push(r.value);
    else out.skipped.push({ fileName: refs[i]!.fileName, reason: reasonOf(r.reason, options.timeoutMs) });
  });
  return out;
}

/** The message text with a line per skipped attachment, so the agent knows a file was there. */
export function withSkippedNotes(text: string, skipped: SkippedAttachment[]): string {
  if (!skipped.length) return text;
  const notes = skipped.map((s) => `[attachment "${s.fileName}" could not be downloaded from Discord: ${s.reason}]`).join('\n');
  return text ? `${text}\n\n${notes}` : notes;
}
