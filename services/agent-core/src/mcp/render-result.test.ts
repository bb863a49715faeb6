import { renderToolResult } from './render-result';

test('joins text blocks with newlines', () => {
  expect(renderToolResult({ content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] })).toBe('a\nb');
});

test('summarises images, audio, resource links and binary resources', () => {
  const png = Buffer.alloc(1234).toString('base64');
  const content = [
    { type: 'image', data: png, mimeType: 'image/png' },
    { type: 'audio', data: 'AAAA', mimeType: 'audio/wav' },
    { type: 'resource_link', uri: 'file:///tmp/a.txt', name: 'a.txt' },
    { type: 'resource', resource: { uri: 'file:///tmp/b.bin', mimeType: 'application/octet-stream', blob: 'AAA=' } },
    { type: 'resource', resource: { uri: 'file:///tmp/c.txt', text: 'inline text' } },
  ];
  expect(renderToolResult({ content }).split('\n')).toEqual([
    '[image: image/png, 1234 bytes]',
    '[audio: audio/wav, 3 bytes]',
    '[resource link: file:///tmp/a.txt (a.txt)]',
    '[resource: file:///tmp/b.bin, application/octet-stream, 2 bytes]',
    'inline text',
  ]);
});

test('falls back to structured content when there are no blocks', () => {
  expect(renderToolResult({ content: [], structuredContent: { sum: 5 } })).toBe('{"sum":5}');
  expect(renderToolResult({ content: [] })).toBe('');
});
