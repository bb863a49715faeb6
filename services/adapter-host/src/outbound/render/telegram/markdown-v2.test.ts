import fc from 'fast-check';
import { renderChunks } from '../render-chunks.js';
import type { TelegramEntity } from '../rendered.js';
import { toMarkdownV2 } from './markdown-v2.js';

// A reader of MarkdownV2 as the Bot API documents it (core.telegram.org/bots/api#markdownv2-style),
// for the syntax toMarkdownV2 writes. It throws where Telegram answers "can't parse entities": an
// unescaped reserved character, an unclosed entity. Reading back what was written must give the
// same text and entities.
const RESERVED = '_*[]()~`>#+-=|{}.!\\';
const TOGGLES: [string, TelegramEntity['type']][] = [
  ['__', 'underline'],
  ['||', 'spoiler'],
  ['*', 'bold'],
  ['_', 'italic'],
  ['~', 'strikethrough'],
];

function readMarkdownV2(src: string): { text: string; entities: TelegramEntity[] } {
  let text = '';
  const entities: TelegramEntity[] = [];
  const open = new Map<TelegramEntity['type'], number>();
  let linkStart: number | null = null;
  let quoteStart: number | null = null;
  const closeQuote = (end: number): void => {
    if (quoteStart !== null && end > quoteStart) entities.push({ type: 'blockquote', offset: quoteStart, length: end - quoteStart });
    quoteStart = null;
  };
  // Reads code up to `fence`: inside, only ` and \ are escaped.
  const readCode = (from: number, fence: string): number => {
    let i = from;
    while (!src.startsWith(fence, i)) {
      if (i >= src.length) throw new Error(`unclosed ${fence}`);
      if (src[i] === '\\' && (src[i + 1] === '`' || src[i + 1] === '\\')) i += 1;
      else if (src[i] === '`') throw new Error('unescaped ` in code');
      text += src[i];
      i += 1;
    }
    return i + fence.length;
  };
  let i = 0;
  while (i < src.length) {
    const atLineStart = i === 0 || src[i - 1] === '\n';
    if (atLineStart && src[i] === '>') {
      quoteStart ??= text.length;
      i += 1;
      continue;
    }
    if (atLineStart && i > 0) closeQuote(text.length - 1);
    const toggle = TOGGLES.find(([marker]) => src.startsWith(marker, i));
    if (src[i] === '\r') {
      i += 1;
    } else if (src[i] === '\\') {
      if (!(src.charCodeAt(i + 1) >= 1 && src.charCodeAt(i + 1) <= 126)) throw new Error(`bad escape at ${i}`);
      text += src[i + 1];
      i += 2;
    } else if (src.startsWith('```', i)) {
      const newline = src.indexOf('\n', i);
      const language = src.slice(i + 3, newline);
      const start = text.length;
      i = readCode(newline + 1, '```');
      entities.push({ type: 'pre', offset: start, length: text.length - start, ...(language ? { language } : {}) });
    } else if (src[i] === '`') {
      const start = text.length;
      i = readCode(i + 1, '`');
      entities.push({ type: 'code', offset: start, length: text.length - start });
    } else if (toggle) {
      const [marker, type] = toggle;
      const start = open.get(type);
      if (start === undefined) open.set(type, text.length);
      else {
        entities.push({ type, offset: start, length: text.length - start });
        open.delete(type);
      }
      i += marker.length;
    } else if (src[i] === '[' && linkStart === null) {
      linkStart = text.length;
      i += 1;
    } else if (src.startsWith('](', i) && linkStart !== null) {
      let url = '';
      for (i += 2; src[i] !== ')'; i += 1) {
        if (i >= src.length) throw new Error('unclosed link address');
        if (src[i] === '\\') i += 1;
        url += src[i];
      }
      entities.push({ type: 'text_link', offset: linkStart, length: text.length - linkStart, url });
      linkStart = null;
      i += 1;
    } else if (RESERVED.includes(src[i])) {
      throw new Error(`unescaped ${src[i]} at ${i} in ${JSON.stringify(src.slice(Math.max(0, i - 20), i + 20))}`);
    } else {
      text += src[i];
      i += 1;
    }
  }
  if (open.size > 0 || linkStart !== null) throw new Error(`unclosed ${[...open.keys()].join(', ')}`);
  closeQuote(text.length);
  return { text, entities };
}

const normalized = (entities: readonly TelegramEntity[]): string[] =>
  entities.map((e) => `${e.type} ${e.offset}+${e.length} ${e.url ?? ''} ${e.language ?? ''}`).sort();

function expectRoundTrip(text: string, entities: TelegramEntity[] = []): void {
  const read = readMarkdownV2(toMarkdownV2(text, entities));
  expect(read.text).toBe(text);
  expect(normalized(read.entities)).toEqual(normalized(entities));
}

describe('toMarkdownV2', () => {
  it('is checked by a reader that refuses what Telegram refuses', () => {
    expect(() => readMarkdownV2('1.5')).toThrow('unescaped .');
    expect(() => readMarkdownV2('*open')).toThrow('unclosed');
    expect(() => readMarkdownV2('`a`b`')).toThrow('unclosed');
    expect(readMarkdownV2('>q\\.\n*b*')).toEqual({ text: 'q.\nb', entities: [{ type: 'blockquote', offset: 0, length: 2 }, { type: 'bold', offset: 3, length: 1 }] });
  });

  it('escapes every reserved character outside entities, and only ` and \\ inside code', () => {
    expect(toMarkdownV2('a_b*c[d]e(f)g~h`i>j#k+l-m=n|o{p}q.r!s\\t')).toBe('a\\_b\\*c\\[d\\]e\\(f\\)g\\~h\\`i\\>j\\#k\\+l\\-m\\=n\\|o\\{p\\}q\\.r\\!s\\\\t');
    expect(toMarkdownV2('x = `a`.b\\c', [{ type: 'code', offset: 4, length: 7 }])).toBe('x \\= `\\`a\\`.b\\\\c`');
    expect(toMarkdownV2('f(x)', [{ type: 'pre', offset: 0, length: 4, language: 'py' }])).toBe('```py\nf(x)```');
  });

  it('escapes only ) and \\ inside a link address', () => {
    expect(toMarkdownV2('see it.', [{ type: 'text_link', offset: 0, length: 6, url: 'https://a.example/p_(1)\\' }])).toBe('[see it](https://a.example/p_(1\\)\\\\)\\.');
  });

  it('separates markers that would read as another one with an ignored carriage return', () => {
    const entities: TelegramEntity[] = [
      { type: 'underline', offset: 0, length: 3 },
      { type: 'italic', offset: 0, length: 3 },
    ];
    expect(toMarkdownV2('abc', entities)).toBe('__\r_abc_\r__');
    expectRoundTrip('abc', entities);
  });

  it('marks every line of a blockquote', () => {
    expect(toMarkdownV2('one\ntwo\n\nafter', [{ type: 'blockquote', offset: 0, length: 7 }])).toBe('>one\n>two\n\nafter');
  });

  it('reads back as the same text and entities, for any text without entities', () => {
    fc.assert(fc.property(fc.string({ unit: fc.oneof(fc.constantFrom(...RESERVED, '\n', ' '), fc.string({ unit: 'grapheme', maxLength: 1 })) }), (text) => expectRoundTrip(text)), { numRuns: 300 });
  });

  it('reads back as the same text and entities for every chunk renderChunks makes', () => {
    const piece = fc.oneof(
      fc.constantFrom('plain _*[]()~`>#+-=|{}.!\\ text', '**bold `code` bold**', '*it* and __under__ ~~gone~~', '[a (link)](https://a.example/p_(1))', '`a\\b`'),
      fc.constantFrom('> quoted *line*\n> **two**', '# Heading `x`', '- item\n  - nested [l](https://b.example/)', '1. one\n2. two', '| a | b |\n|---|---|\n| `x` | y |'),
      fc.constantFrom('```js\nconst a = `x` + "\\\\";\n```', '```\n```inner\n```', '---', '𝕏 👍🏽 中文'),
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 30 }), fc.integer({ min: 64, max: 600 }), (pieces, limit) => {
        for (const { text, entities = [] } of renderChunks(pieces.join('\n\n'), 'telegram', { limit })) expectRoundTrip(text, entities);
      }),
      { numRuns: 150 },
    );
  });

  it('writes a 5,000-character reply with code fences and reserved characters as valid chunks, in order', () => {
    const prose = 'Use a_b *not* [this](https://a.example/x_(y)) or 1+1=2 {ok}. Really! ~yes~ #tag | pipe > arrow - dash. ';
    const code = Array.from({ length: 120 }, (_, i) => `x_${i} = f(*args, **kw)["k"] + \`y\` \\ {z}.!  # ${'=~|'.repeat(4)}`);
    // Cut at 5,000 characters, inside the code: the model's fence is left open.
    const markdown = `${prose.repeat(4)}\n\n\`\`\`python\n${code.join('\n')}\n\`\`\`\n\n${prose}`.slice(0, 5000);
    const chunks = renderChunks(markdown, 'telegram');
    expect(chunks.length).toBeGreaterThan(1);
    const lines: number[] = [];
    for (const { text, entities = [] } of chunks) {
      expect(text.length).toBeLessThanOrEqual(4096);
      expectRoundTrip(text, entities);
      for (const [, n] of text.matchAll(/x_(\d+) =/g)) lines.push(Number(n));
    }
    // In order, nothing lost or repeated; the code block is closed in one chunk and reopened, with
    // its language, in the next.
    expect(lines).toEqual(lines.map((_, i) => i));
    const pres = chunks.map((c) => (c.entities ?? []).filter((e) => e.type === 'pre'));
    expect(pres.flat().length).toBe(2);
    expect(pres.flat().every((e) => e.language === 'python')).toBe(true);
    expect(pres[0].length + pres[1].length).toBe(2);
  });
});
