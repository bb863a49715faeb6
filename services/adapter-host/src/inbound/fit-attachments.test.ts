import type { IncomingMessage } from '../platform';
import { fitAttachments, MAX_FILE_BYTES } from './fit-attachments';

const file = (fileName: string, bytes: number) => ({ kind: 'file' as const, fileName, mimeType: 'application/octet-stream', data: new Uint8Array(bytes) });
const message = (files: IncomingMessage['files'], text = 'see attached'): IncomingMessage => ({
  address: { channelId: 'c', threadId: '' }, eventId: 'e', messageId: 'm', userId: 'u', userName: 'U', text, files, isGroup: false, mentionsBot: true, sentAtMs: 0,
});

describe('fitAttachments', () => {
  it('keeps a message whose files fit as it is', () => {
    const m = message([file('a.bin', 1000), file('b.bin', 2000)]);
    expect(fitAttachments(m)).toBe(m);
  });

  it('drops a file over the per-file limit and says so in the text, keeping the others', () => {
    const out = fitAttachments(message([file('small.bin', 10), file('huge.bin', MAX_FILE_BYTES + 1)]));
    expect(out.files.map((f) => f.fileName)).toEqual(['small.bin']);
    expect(out.text).toBe(`see attached\n[file "huge.bin" (${MAX_FILE_BYTES + 1} bytes) was too large to receive]`);
  });

  it('stops at the total budget: files that fit together go, the rest are noted', () => {
    const fifteen = 15 * 1024 * 1024;
    const out = fitAttachments(message([file('one.bin', fifteen), file('two.bin', fifteen), file('three.bin', 10)], ''));
    expect(out.files.map((f) => f.fileName)).toEqual(['one.bin', 'three.bin']);
    expect(out.text).toBe(`[file "two.bin" (${fifteen} bytes) was too large to receive]`);
  });
});
