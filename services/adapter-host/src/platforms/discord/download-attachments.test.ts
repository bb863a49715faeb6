import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { downloadAttachments, withSkippedNotes, type AttachmentRef } from './download-attachments';

// A CDN that serves one file, has lost another, and never answers for a third.
let server: Server;
let base: string;
const hung: Array<() => void> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/ok.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from('png-bytes'));
    if (req.url === '/big.bin') return void res.writeHead(200).end(Buffer.alloc(64));
    if (req.url === '/hang') return void hung.push(() => res.destroy());
    res.writeHead(404).end('This content is no longer available.');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const end of hung) end();
  await new Promise((resolve) => server.close(resolve));
});

const ref = (path: string, fileName: string, contentType: string | null = null, sizeBytes = 9): AttachmentRef => ({ url: `${base}${path}`, fileName, sizeBytes, contentType });
const options = () => ({ timeoutMs: 300, maxBytes: 32, signal: new AbortController().signal });

it('downloads what it can and names what it could not, with the reason, without waiting past the timeout', async () => {
  const began = Date.now();
  const { files, skipped } = await downloadAttachments(
    [ref('/ok.png', 'ok.png', 'image/png'), ref('/gone.pdf', 'gone.pdf'), ref('/hang', 'slow.zip'), ref('/ok.png', 'huge.iso', null, 1 << 30), ref('/big.bin', 'liar.bin', null, 8)],
    options(),
  );
  expect(Date.now() - began).toBeLessThan(3000);
  expect(files).toEqual([{ kind: 'image', fileName: 'ok.png', mimeType: 'image/png', data: new Uint8Array(Buffer.from('png-bytes')) }]);
  expect(skipped).toEqual([
    { fileName: 'gone.pdf', reason: 'HTTP 404' },
    { fileName: 'slow.zip', reason: 'no answer within 0.3 s' },
    { fileName: 'huge.iso', reason: 'larger than 32 bytes' },
    { fileName: 'liar.bin', reason: 'larger than 32 bytes' },
  ]);
});

it('adds a note per skipped attachment to the text', () => {
  expect(withSkippedNotes('look', [])).toBe('look');
  expect(withSkippedNotes('look', [{ fileName: 'a.pdf', reason: 'HTTP 404' }])).toBe('look\n\n[attachment "a.pdf" could not be downloaded from Discord: HTTP 404]');
  expect(withSkippedNotes('', [{ fileName: 'a.pdf', reason: 'HTTP 404' }])).toBe('[attachment "a.pdf" could not be downloaded from Discord: HTTP 404]');
});
