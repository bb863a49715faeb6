import { realpathSync, statSync } from 'node:fs';
import { basename, extname, isAbsolute, join, sep } from 'node:path';
import { z } from 'zod';
import { AppError } from '@cliver/common';
import type { StoredAttachment } from '../store/inbound-repo';
import { defineTool, type Tool } from '../tools/tool';

// What a platform takes without fuss (Telegram bots: 50 MB; Discord without boosts: 10 MB).
const MAX_FILE_BYTES = 10 * 1024 * 1024;
const MAX_FILES = 10;

const MIME_TYPES: Record<string, string> = {
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp',
  '.txt': 'text/plain', '.md': 'text/markdown', '.csv': 'text/csv', '.json': 'application/json', '.pdf': 'application/pdf',
  '.html': 'text/html', '.zip': 'application/zip', '.ogg': 'audio/ogg', '.mp3': 'audio/mpeg',
};

/**
 * The files an IM turn sends with its reply, collected by the SendFile tool and written into the
 * reply's outbox entry in the same transaction as the text. Only files under the agent's `files/`
 * folder (its workspace) and `inbox/` (what users sent) may go out: a chat must never be able to
 * ask for config.yaml, the internal key or the database.
 */
export class ReplyFiles {
  private readonly files: StoredAttachment[] = [];

  constructor(private readonly agentDir: string) {}

  /** The folder relative paths are read from. */
  get workspace(): string {
    return join(this.agentDir, 'files');
  }

  list(): StoredAttachment[] {
    return [...this.files];
  }

  add(path: string, fileName?: string): StoredAttachment {
    if (this.files.length >= MAX_FILES) throw refuse(`a reply carries at most ${MAX_FILES} files`);
    const wanted = isAbsolute(path) ? path : join(this.workspace, path);
    let real: string;
    try {
      real = realpathSync(wanted);
    } catch {
      throw refuse(`no file at ${wanted}`);
    }
    const roots = ['files', 'inbox'].map((d) => join(this.agentDir, d)).flatMap((d) => {
      try {
        return [realpathSync(d)];
      } catch {
        return [];
      }
    });
    // Checked on the resolved path, so a symlink out of the workspace does not get through.
    if (!roots.some((root) => real.startsWith(root + sep))) throw refuse(`only files under ${this.workspace} or the received files can be sent; ${wanted} is elsewhere`);
    const stat = statSync(real);
    if (!stat.isFile()) throw refuse(`${wanted} is not a file`);
    if (stat.size > MAX_FILE_BYTES) throw refuse(`${wanted} has ${stat.size} bytes; at most ${MAX_FILE_BYTES} can be sent`);
    const name = basename(fileName?.trim() || real);
    const mimeType = MIME_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
    const file: StoredAttachment = { kind: mimeType.startsWith('image/') ? 'image' : 'file', fileName: name, mimeType, path: real, bytes: stat.size };
    this.files.push(file);
    return file;
  }

}

function refuse(message: string): AppError {
  return new AppError('invalid_argument', message, { field: 'path', reason: 'file_not_sendable' });
}

const SendFileArgs = z.strictObject({
  path: z.string().min(1).describe('The file to send: a path relative to your files folder, or an absolute path under it or under the received files.'),
  file_name: z.string().nullish().describe('The name the user sees; default: the file\'s own name.'),
});

/** The SendFile tool of an IM turn: attaches a file to the reply being written. */
export function sendFileTool(files: ReplyFiles): Tool {
  return defineTool({
    name: 'SendFile',
    description:
      `Send a file to the user with your reply in this chat. The file must be in your files folder (${files.workspace}) ` +
      'or be one the user sent. Write the file first (with your other tools), then call this; the file goes out after your text.',
    input: SendFileArgs,
    run: (args) => {
      try {
        const file = files.add(args.path, args.file_name ?? undefined);
        return `${file.fileName} (${file.bytes} bytes) will be sent with your reply.`;
      } catch (err) {
        return `Error: ${AppError.from(err).message}`;
      }
    },
  });
}
