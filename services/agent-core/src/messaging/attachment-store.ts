import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, MAX_ATTACHMENT_BYTES } from '@cliver/common';
import type { StoredAttachment } from '../store/inbound-repo';

export interface IncomingFile {
  kind: string;
  fileName: string;
  mimeType: string;
  data: Uint8Array;
}

const KINDS = new Set(['image', 'voice', 'file']);
const MAX_FILES = 10;
const MAX_MIME_CHARS = 255;
// Files hold what users sent: owner-only, like gateway.db (store/db.ts).
const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

/** A platform's file name as a safe single path segment: no folders, no dot-files, bounded. */
function safeName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[^\w.\- ]+/g, '_').replace(/^\.+/, '').slice(-120);
  return clean || 'file';
}

/** Every file is checked before the first is written, so a refused message leaves no files behind. */
function checkFiles(files: readonly IncomingFile[], field: string): void {
  if (files.length > MAX_FILES) throw new AppError('invalid_argument', `a message may carry at most ${MAX_FILES} files, got ${files.length}`, { field });
  files.forEach((f, i) => {
    if (!KINDS.has(f.kind)) throw new AppError('invalid_argument', `${field}[${i}].kind must be image, voice or file, got "${f.kind.slice(0, 40)}"`, { field: `${field}[${i}].kind` });
    if (f.data.byteLength > MAX_ATTACHMENT_BYTES) {
      throw new AppError('invalid_argument', `${field}[${i}].data is ${f.data.byteLength} bytes; files up to ${MAX_ATTACHMENT_BYTES} bytes are accepted`, { field: `${field}[${i}].data` });
    }
    if (f.mimeType.length > MAX_MIME_CHARS) {
      throw new AppError('invalid_argument', `${field}[${i}].mime_type is longer than ${MAX_MIME_CHARS} characters`, { field: `${field}[${i}].mime_type` });
    }
  });
}

function privateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR });
  // mkdir's mode applies only to folders it creates, and only through the umask.
  chmodSync(path, PRIVATE_DIR);
}

/**
 * Keeps the files of an inbound message on the data volume, under
 * `<agent>/inbox/<adapter>/<event hash>/`, owner-only: the agent is offered them by path. Written
 * before the message is recorded, so a recorded message never points at a missing file.
 * `field` is the request's path to the list, for error messages.
 */
export function saveAttachments(inboxDir: string, adapter: string, eventId: string, files: readonly IncomingFile[], field = 'attachments'): StoredAttachment[] {
  checkFiles(files, field);
  if (!files.length) return [];
  const adapterDir = join(inboxDir, safeName(adapter));
  const folder = join(adapterDir, createHash('sha256').update(eventId).digest('hex').slice(0, 16));
  for (const dir of [inboxDir, adapterDir, folder]) privateDir(dir);
  return files.map((f, i) => {
    const fileName = safeName(f.fileName || `${f.kind}-${i}`);
    const path = join(folder, `${i}-${fileName}`);
    writeFileSync(path, f.data, { mode: PRIVATE_FILE });
    chmodSync(path, PRIVATE_FILE);
    return { kind: f.kind as StoredAttachment['kind'], fileName, mimeType: f.mimeType || 'application/octet-stream', path, bytes: f.data.byteLength };
  });
}

/** The bytes of a stored file, to send with an outbox entry. */
export function loadAttachment(a: StoredAttachment): Omit<IncomingFile, 'data'> & { data: Buffer } {
  return { kind: a.kind, fileName: a.fileName, mimeType: a.mimeType, data: readFileSync(a.path) };
}
