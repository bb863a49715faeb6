import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { thrownAppError } from '@cliver/testkit';
import { loadAttachment, saveAttachments, type IncomingFile } from './attachment-store';

const file = (kind: string, fileName: string, data = Buffer.from('data')): IncomingFile => ({ kind, fileName, mimeType: 'image/png', data });
const mode = (path: string) => statSync(path).mode & 0o777;

describe('saveAttachments', () => {
  it('keeps the files owner-only on the data volume and returns their paths', () => {
    const inbox = join(mkdtempSync(join(tmpdir(), 'cliver-att-')), 'inbox');
    const [a, b] = saveAttachments(inbox, 'tg', 'upd-1', [file('image', 'cat.png'), file('voice', '', Buffer.from('ogg'))]);
    expect(a).toMatchObject({ kind: 'image', fileName: 'cat.png', mimeType: 'image/png', bytes: 4 });
    expect(b).toMatchObject({ kind: 'voice', fileName: 'voice-1' });
    expect(dirname(a!.path).startsWith(join(inbox, 'tg'))).toBe(true);
    expect(readFileSync(a!.path, 'utf8')).toBe('data');
    expect(mode(a!.path)).toBe(0o600);
    expect(mode(b!.path)).toBe(0o600);
    for (const dir of [inbox, join(inbox, 'tg'), dirname(a!.path)]) expect(mode(dir)).toBe(0o700);
    expect(loadAttachment(a!)).toEqual({ kind: 'image', fileName: 'cat.png', mimeType: 'image/png', data: Buffer.from('data') });
  });

  it('cannot be steered out of its folder by a file or adapter name', () => {
    const inbox = join(mkdtempSync(join(tmpdir(), 'cliver-att-')), 'inbox');
    const [a] = saveAttachments(inbox, '../../etc', 'e', [file('file', '../../.ssh/authorized_keys')]);
    expect(a!.path.startsWith(`${inbox}/`)).toBe(true);
    expect(a!.fileName).toBe('authorized_keys');
  });

  it('checks every file before writing any, naming the field', () => {
    const inbox = join(mkdtempSync(join(tmpdir(), 'cliver-att-')), 'inbox');
    const err = thrownAppError(() => saveAttachments(inbox, 'tg', 'e', [file('image', 'ok.png'), file('sticker', 'x')], 'message.attachments'));
    expect(err).toMatchObject({ code: 'invalid_argument', field: 'message.attachments[1].kind' });
    expect(existsSync(inbox)).toBe(false);
    const big = thrownAppError(() => saveAttachments(inbox, 'tg', 'e', [file('file', 'big', Buffer.alloc(20 * 1024 * 1024 + 1))], 'message.attachments'));
    expect(big).toMatchObject({ code: 'invalid_argument', field: 'message.attachments[0].data' });
    const many = thrownAppError(() => saveAttachments(inbox, 'tg', 'e', Array.from({ length: 11 }, () => file('file', 'f')), 'message.attachments'));
    expect(many).toMatchObject({ code: 'invalid_argument', field: 'message.attachments' });
  });
});
