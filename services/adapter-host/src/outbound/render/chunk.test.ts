import { packUnits } from './chunk.js';
import { layoutBlocks } from './layout.js';
import { discordRenderer } from './markup/discord.js';
import { parseMarkdown } from './parse-markdown.js';
import type { PlatformRenderer } from './rendered.js';
import { telegramRenderer } from './telegram/render-telegram.js';

// Telegram's text is the markdown's visible text, which makes sizes easy to count here.
function pack(markdown: string, limit: number, renderer: PlatformRenderer = telegramRenderer): string[] {
  const texts = packUnits(layoutBlocks(parseMarkdown(markdown)), { ...renderer, limit }).map((chunk) => chunk.text);
  for (const text of texts) expect(text.length).toBeLessThanOrEqual(limit);
  return texts;
}

const words = (n: number, word = 'word'): string => Array.from({ length: n }, () => word).join(' ');

describe('packUnits', () => {
  it('packs whole paragraphs greedily and cuts between them', () => {
    const p = 'x'.repeat(40);
    expect(pack(`${p}\n\n${p}\n\n${p}`, 100)).toEqual([`${p}\n\n${p}`, p]);
  });

  it('fits a paragraph of exactly the limit in one chunk, and one unit longer in two', () => {
    const exactly = `${'word '.repeat(19)}wordx`;
    expect(exactly).toHaveLength(100);
    expect(pack(exactly.slice(0, 99), 100)).toHaveLength(1);
    expect(pack(exactly, 100)).toEqual([exactly]);
    expect(pack(`${exactly}s`, 100)).toEqual([words(19), 'wordxs']);
  });

  it('starts an oversized paragraph in a chunk less than half full, and after the paragraph break otherwise', () => {
    const long = words(50);
    expect(pack(`short\n\n${long}`, 100)[0]).toMatch(/^short\n\nword word/);
    const half = 'h'.repeat(50);
    expect(pack(`${half}\n\n${long}`, 100)[0]).toBe(half);
  });

  it('cuts an oversized paragraph at a line break, else a sentence end, else a space, else anywhere', () => {
    expect(pack(`${words(8)}. ${words(3)}\\\n${words(8)}`, 60)[0]).toBe(`${words(8)}. ${words(3)}`);
    expect(pack(`${words(8)}. ${words(8)} ${words(8)}`, 60)[0]).toBe(`${words(8)}.`);
    expect(pack(words(30), 60)[0]).toBe(words(12));
    expect(pack('x'.repeat(130), 60)).toEqual(['x'.repeat(60), 'x'.repeat(60), 'x'.repeat(10)]);
  });

  it('takes a nicer break only if it keeps at least half of the message', () => {
    expect(pack(`word word. ${words(30)}`, 60)[0]).toBe(`word word. ${words(10)}`);
  });

  it('never cuts inside a grapheme cluster or a surrogate pair', () => {
    const chunks = pack('👍🏽'.repeat(40) + '👨‍👩‍👧'.repeat(20), 64);
    expect(chunks.join('')).toBe('👍🏽'.repeat(40) + '👨‍👩‍👧'.repeat(20));
    for (const chunk of chunks) expect(chunk).toMatch(/^(👍🏽|👨‍👩‍👧)+$/u);
  });

  it('does not repeat the marker of a list item cut in two', () => {
    expect(pack(`- ${words(20)}`, 64)).toEqual([`• ${words(12)}`, words(8)]);
  });

  it('closes a code block cut between lines and reopens it with its language in the next chunk', () => {
    const code = Array.from({ length: 12 }, (_, i) => `line ${i}`).join('\n');
    const chunks = pack(`\`\`\`js\n${code}\n\`\`\``, 64, discordRenderer);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk).toMatch(/^```js\n[^`]+\n```$/);
    expect(chunks.map((c) => c.slice(6, -4)).join('\n')).toBe(code);
  });

  it('cuts a code line longer than a message inside it, keeping every character', () => {
    const line = `${'a'.repeat(50)} ${'b'.repeat(80)}`;
    const chunks = pack(`\`\`\`\n${line}\n\`\`\``, 64, discordRenderer);
    expect(chunks.map((c) => c.slice(4, -4)).join('')).toBe(line);
  });

  it('drops the blank lines at a cut in code, so no chunk is an empty code block', () => {
    const code = `${'x'.repeat(50)}\n${'\n'.repeat(80)}${'y'.repeat(10)}`;
    expect(pack(`\`\`\`\n${code}\n\`\`\``, 64, discordRenderer)).toEqual([`\`\`\`\n${'x'.repeat(50)}\n\`\`\``, `\`\`\`\n${'y'.repeat(10)}\n\`\`\``]);
    expect(pack('```\n\n\n  \n```\n\n```js\n```', 64, discordRenderer)).toEqual([]);
  });

  it('shows a link whose address alone is longer than a message as its label, keeping the links after it', () => {
    const huge = `https://a.example/${'p'.repeat(3000)}`;
    const chunks = pack(`[big](${huge}) and [small](https://b.example/)`, 2000, discordRenderer);
    expect(chunks).toEqual(['big and [small](https://b.example/)']);
  });

  it('drops the decoration of a list nested deeper than a message is wide, not its words', () => {
    const deep = Array.from({ length: 30 }, (_, i) => `${'  '.repeat(i)}- level${i}`).join('\n');
    const words = pack(deep, 64).join('').replace(/[\s•]/g, '');
    expect(words).toBe(Array.from({ length: 30 }, (_, i) => `level${i}`).join(''));
  });

  it('returns no chunk for a reply with nothing visible', () => {
    expect(pack('   \n\n\t\n', 64)).toEqual([]);
  });
});
