import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '@cliver/common';
import type { StoredAttachment } from '../store/inbound-repo';

export interface IncomingFile {
  kind: string;
  fileName: string;
  mimeType: string;
  data: Uint8Array;
}

const KINDS = new Set(['image', 'voice', 'file']);
const MAX_FILE_BYTES = 20 * 1024 * 1024;
const MAX_FILES = 10;

/** A platform's file name as a safe single path segment: no folders, no dot-files, bounded. */
function safeName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[^\w.\- ]+/g, '_').replace(/^\.+/, '').slice(-120);
  return clean || 'file';
}

/**
 * Keeps the files of an inbound message on the data volume, under
 * `<agent>/inbox/<adapter>/<event hash>/`, owner-only: the agent is offered them by path. Written
 * before the message is recorded, so a recorded message never points at a missing file.
 */
export function saveAttachments(inboxDir: string, adapter: string, eventId: string, files: readonly IncomingFile[]): StoredAttachment[] {
  if (files.length > MAX_FILES) throw new AppError('invalid_argument', `a message may carry at most ${MAX_FILES} files, got ${files.length}`, { field: 'attachments' });
  if (!files.length) return [];
  const folder = join(inboxDir, safeName(adapter), createHash('sha256').update(eventId).digest('hex').slice(0, 16));
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  return files.map((f, i) => {
    if (!KINDS.has(f.kind)) throw new AppError('invalid_argument', `attachments[${i}].kind must be image, voice or file, got "${f.kind}"`, { field: `attachments[${i}].kind` });
    if (f.data.byteLength > MAX_FILE_BYTES) {
      throw new AppError('invalid_argument', `attachments[${i}] is ${f.data.byteLength} bytes; files up to ${MAX_FILE_BYTES} bytes are accepted`, { field: `attachments[${i}].data` });
    }
    const fileName = safeName(f.fileName || `${f.kind}-${i}`);
    const path = join(folder, `${i}-${fileName}`);
    writeFileSync(path, f.data, { mode: 0o600 });
    return { kind: f.kind as StoredAttachment['kind'], fileName, mimeType: f.mimeType || 'application/octet-stream', path, bytes: f.data.byteLength };
  });
}
