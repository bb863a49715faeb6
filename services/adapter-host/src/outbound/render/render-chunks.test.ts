import fc from 'fast-check';
import { packUnits } from './chunk.js';
import { layoutBlocks } from './layout.js';
import { discordRenderer } from './markup/discord.js';
import { parseMarkdown } from './parse-markdown.js';
import { PLATFORM_LIMITS, renderChunks } from './render-chunks.js';
import type { PlatformRenderer, RenderedChunk, TelegramEntity } from './rendered.js';
import { telegramRenderer } from './telegram/render-telegram.js';

// ---- arbitrary model replies, built from the fragments that make chunking hard ----

const SPECIALS = [...'_*[]()~`>#+-=|{}.!\\'];
const word = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('the', 'chunk', 'limit', 'word', 'end.', 'why?', 'so!', 'a_b', 'x*y', '2+2=4', '#tag', '1.', '-', '>', '(y)') },
  { weight: 3, arbitrary: fc.constantFrom('𝕏', '👍🏽', '👨‍👩‍👧', '🇩🇪', '中文字。', 'e\u0301', '😀😀😀') },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...SPECIALS), minLength: 1, maxLength: 4 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }) },
  { weight: 1, arbitrary: fc.integer({ min: 20, max: 400 }).map((n) => 'w'.repeat(n)) },
);
const phrase = fc.array(word, { minLength: 1, maxLength: 8 }).map((words) => words.join(' '));
const span = fc.oneof(
  { weight: 4, arbitrary: phrase },
  { weight: 1, arbitrary: phrase.map((p) => `**${p}**`) },
  { weight: 1, arbitrary: phrase.map((p) => `*${p}*`) },
  { weight: 1, arbitrary: phrase.map((p) => `~~${p}~~`) },
  { weight: 1, arbitrary: phrase.map((p) => `\`${p.replace(/`/g, '')}\``) },
  { weight: 1, arbitrary: phrase.map((p) => `[${p.replace(/[[\]]/g, '')}](https://example.com/a_(b)?q=1)`) },
  { weight: 1, arbitrary: phrase.map((p) => `[${p.replace(/[[\]]/g, '')}](javascript:alert(1))`) },
);
const line = fc.array(span, { minLength: 1, maxLength: 5 }).map((spans) => spans.join(' '));
const lines = (max: number) => fc.array(line, { minLength: 1, maxLength: max });
const codeLine = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'ab {}()[];=<>"\'`\\_*~|#!.+-\t'), maxLength: 60 }),
  fc.constantFrom('```', '    indented', '', '👍🏽 𝕏'),
  fc.integer({ min: 100, max: 2500 }).map((n) => 'c'.repeat(n)),
);
const block = fc.oneof(
  { weight: 4, arbitrary: lines(4).map((ls) => ls.join('\n')) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 6 }), line).map(([level, l]) => `${'#'.repeat(level)} ${l}`) },
  { weight: 2, arbitrary: fc.array(fc.tuple(fc.boolean(), fc.boolean(), line), { minLength: 1, maxLength: 6 }).map((items) => items.map(([nested, ordered, l], i) => `${nested && i > 0 ? '   ' : ''}${ordered ? `${i + 1}.` : '-'} ${l}`).join('\n')) },
  { weight: 1, arbitrary: lines(4).map((ls) => ls.map((l) => `> ${l}`).join('\n')) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('', 'js', 'python', 'c++'), fc.array(codeLine, { minLength: 1, maxLength: 40 }), fc.boolean())
      .map(([lang, code, closed]) => `\`\`\`${lang}\n${code.join('\n')}${closed ? '\n```' : ''}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.array(fc.array(phrase, { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 8 }))
      .map(([columns, rows]) => [rows[0], ['---', ':-:', '--:', ':--'], ...rows.slice(1)].map((row) => `| ${row.slice(0, columns).map((c) => c.replace(/\|/g, '')).join(' | ')} |`).join('\n')),
  },
  { weight: 1, arbitrary: fc.constant('---') },
);

/** A reply of exactly `length` UTF-16 units (never ending inside a surrogate pair), cut from a
 * random run of blocks repeated as needed: the cut may fall anywhere, as in a truncated reply. */
function reply(lengths: number[]): fc.Arbitrary<string> {
  return fc.tuple(fc.array(block, { minLength: 1, maxLength: 12 }), fc.constantFrom(...lengths)).map(([blocks, length]) => {
    let text = blocks.join('\n\n');
    while (text.length < length) text += `\n\n${blocks.join('\n\n')}`;
    const end = /[\uD800-\uDBFF]/.test(text[length - 1]) ? length - 1 : length;
    return text.slice(0, end);
  });
}

// ---- what every chunk list must satisfy ----

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const splitsPair = (text: string, at: number): boolean => /[\uD800-\uDBFF]/.test(text[at - 1] ?? '') && /[\uDC00-\uDFFF]/.test(text[at] ?? '');

function fail(message: string, chunk: RenderedChunk): never {
  throw new Error(`${message} in chunk ${JSON.stringify(chunk).slice(0, 2000)}`);
}

function checkCommon(chunks: RenderedChunk[], limit: number): void {
  for (const chunk of chunks) {
    if (chunk.text.length > limit) fail(`length ${chunk.text.length} over the limit ${limit}`, chunk);
    if (chunk.text.trim() === '') fail('blank chunk', chunk);
    if (LONE_SURROGATE.test(chunk.text)) fail('a surrogate pair was split', chunk);
  }
}

// Bot API nesting rules (MessageEntity): entities nest properly, pre and code contain nothing and
// sit in nothing but a blockquote, blockquotes do not nest.
function checkTelegram(chunks: RenderedChunk[], limit: number): void {
  checkCommon(chunks, limit);
  for (const chunk of chunks) {
    const entities = [...(chunk.entities ?? [])].sort((a, b) => a.offset - b.offset || b.length - a.length || Number(b.type === 'blockquote') - Number(a.type === 'blockquote'));
    const open: TelegramEntity[] = [];
    for (const e of entities) {
      const end = e.offset + e.length;
      if (!Number.isInteger(e.offset) || e.offset < 0 || e.length <= 0 || end > chunk.text.length) fail(`entity ${JSON.stringify(e)} out of range`, chunk);
      if (splitsPair(chunk.text, e.offset) || splitsPair(chunk.text, end)) fail(`entity ${JSON.stringify(e)} splits a surrogate pair`, chunk);
      if (e.type === 'pre' && chunk.text.slice(e.offset, end).trim() === '') fail('a blank code block', chunk);
      while (open.length > 0 && open[open.length - 1].offset + open[open.length - 1].length <= e.offset) open.pop();
      const parent = open[open.length - 1];
      if (parent && parent.offset + parent.length < end) fail('entities overlap without nesting', chunk);
      if (parent && isCode(parent)) fail(`${e.type} inside ${parent.type}`, chunk);
      if (parent && isCode(e) && parent.type !== 'blockquote') fail(`${e.type} inside ${parent.type}`, chunk);
      if (e.type === 'blockquote' && open.some((o) => o.type === 'blockquote')) fail('nested blockquotes', chunk);
      open.push(e);
    }
  }
}

const isCode = (e: TelegramEntity): boolean => e.type === 'pre' || e.type === 'code';

// Every visible character with the formatting that covers it: chunking may drop the whitespace
// at a cut, and nothing else.
function telegramSignature(chunks: RenderedChunk[]): string[] {
  const out: string[] = [];
  for (const { text, entities = [] } of chunks) {
    const marks: Set<string>[] = Array.from({ length: text.length }, () => new Set());
    for (const e of entities) for (let i = e.offset; i < e.offset + e.length; i += 1) marks[i].add(`${e.type}:${e.url ?? e.language ?? ''}`);
    for (let i = 0; i < text.length; i += 1) if (!/\s/.test(text[i])) out.push(`${text[i]} ${[...marks[i]].sort().join(',')}`);
  }
  return out;
}

function checkDiscord(chunks: RenderedChunk[], limit: number): void {
  checkCommon(chunks, limit);
  for (const chunk of chunks) {
    if ((chunk.text.match(/```/g) ?? []).length % 2 !== 0) fail('a code fence left open', chunk);
    for (const [, code] of chunk.text.matchAll(/^```[A-Za-z0-9_+#.-]*\n([\s\S]*?)\n```$/gm)) {
      if (code.trim() === '') fail('a blank code block', chunk);
    }
    for (const l of chunk.text.replace(/^```[A-Za-z0-9_+#.-]*\n[\s\S]*?\n```$/gm, '').split('\n')) {
      if (!hasBalancedMarkers(l)) fail(`unbalanced markers on line ${JSON.stringify(l)}`, chunk);
    }
  }
}

// Outside escapes, code spans and link addresses, every line has an even number of * and of ~:
// each marker is closed on the line it opens (wrapLines), in the chunk it opens in.
function hasBalancedMarkers(line: string): boolean {
  let stars = 0;
  let tildes = 0;
  for (let i = 0; i < line.length; i += 1) {
    let skipTo = i;
    if (line[i] === '\\') skipTo = i + 1;
    else if (line[i] === '`') {
      let run = 1;
      while (line[i + run] === '`') run += 1;
      const close = line.indexOf('`'.repeat(run), i + run);
      if (close < 0) return false;
      skipTo = close + run - 1;
    } else if (line.startsWith('](', i)) {
      skipTo = line.indexOf(')', i);
      if (skipTo < 0) return false;
    } else if (line[i] === '*') stars += 1;
    else if (line[i] === '~') tildes += 1;
    i = skipTo;
  }
  return stars % 2 === 0 && tildes % 2 === 0;
}

// The text without what a cut may repeat, drop or escape differently: whitespace, fences and
// their language, markers, quote and heading prefixes, backslashes, masked links' addresses, and
// the zero-width spaces that break ``` runs.
function discordSkeleton(chunks: RenderedChunk[]): string {
  let out = '';
  for (const { text } of chunks) {
    const bare = text.replace(/```[A-Za-z0-9_+#.-]*\n/g, '');
    for (let i = 0; i < bare.length; i += 1) {
      // A masked link's address has its parentheses encoded; literal text keeps them.
      const address = bare[i] === ']' ? /^\]\(https?:\/\/[^()\s]*\)/.exec(bare.slice(i, i + 500))?.[0] : undefined;
      if (address) {
        i += address.length - 1;
        continue;
      }
      if (bare[i] === '\\') i += 1;
      if (i < bare.length && !/[\s*~`>#[\]\u200b\\]/.test(bare[i])) out += bare[i];
    }
  }
  return out;
}

/** The whole reply as one chunk: what the chunks must add up to. */
function renderWhole(markdown: string, renderer: PlatformRenderer): RenderedChunk[] {
  return packUnits(layoutBlocks(parseMarkdown(markdown)), { ...renderer, limit: Number.MAX_SAFE_INTEGER });
}

function checkTelegramReply(markdown: string, limit: number): void {
  const chunks = renderChunks(markdown, 'telegram', { limit });
  checkTelegram(chunks, limit);
  expect(telegramSignature(chunks)).toEqual(telegramSignature(renderWhole(markdown, telegramRenderer)));
}

function checkDiscordReply(markdown: string, limit: number): void {
  const chunks = renderChunks(markdown, 'discord', { limit });
  checkDiscord(chunks, limit);
  expect(discordSkeleton(chunks)).toBe(discordSkeleton(renderWhole(markdown, discordRenderer)));
}

const around = (limit: number): number[] => [limit - 1, limit, limit + 1, 2 * limit, 5000];

describe('renderChunks on Telegram', () => {
  const limit = PLATFORM_LIMITS.telegram;

  it('cuts replies around the 4,096-unit limit into valid chunks that add up to the reply', () => {
    fc.assert(fc.property(reply(around(limit)), (markdown) => checkTelegramReply(markdown, limit)), { numRuns: 100 });
  });

  it('keeps the same promises at any lower limit (the chunker on its own)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 64, max: 700 }).chain((l) => fc.tuple(fc.constant(l), reply(around(l)))), ([l, markdown]) => checkTelegramReply(markdown, l)),
      { numRuns: 150 },
    );
  });
});

describe('renderChunks on Discord', () => {
  const limit = PLATFORM_LIMITS.discord;

  it('cuts replies around the 2,000-character limit into valid chunks that add up to the reply', () => {
    fc.assert(fc.property(reply(around(limit)), (markdown) => checkDiscordReply(markdown, limit)), { numRuns: 100 });
  });

  it('keeps the same promises at any lower limit (the chunker on its own)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 64, max: 700 }).chain((l) => fc.tuple(fc.constant(l), reply(around(l)))), ([l, markdown]) => checkDiscordReply(markdown, l)),
      { numRuns: 150 },
    );
  });
});

describe('renderChunks on Slack and Feishu', () => {
  it.each(['slack', 'feishu'] as const)('cuts %s replies into chunks within its limit, with every code fence closed', (platform) => {
    const limit = PLATFORM_LIMITS[platform];
    fc.assert(
      fc.property(reply(around(limit)), (markdown) => {
        const chunks = renderChunks(markdown, platform);
        checkCommon(chunks, limit);
        for (const chunk of chunks) if ((chunk.text.match(/```/g) ?? []).length % 2 !== 0) fail('a code fence left open', chunk);
      }),
      { numRuns: 40 },
    );
  });
});

describe('renderChunks on hostile replies', () => {
  const word = 'a'.repeat(100_000);
  const hostile: Record<string, string> = {
    'an unclosed fence': `text\n\n\`\`\`js\n${'const x = 1;\n'.repeat(2000)}`,
    'fences inside fences': '````\n```\ninner\n```\n````\n\n~~~\n```\n~~~',
    '10,000 nested blockquotes': `${'>'.repeat(10_000)} deep`,
    '10,000 nested list markers': `${'- '.repeat(10_000)}deep`,
    'a list nested 300 levels by indentation': Array.from({ length: 300 }, (_, i) => `${'  '.repeat(i)}- level ${i}`).join('\n'),
    'a 100 KB word': word,
    'a 100 KB word of markup characters': '_*[`~|'.repeat(16_000),
    'only emoji': '👍🏽👨‍👩‍👧🇩🇪'.repeat(5_000),
    'only astral characters': '𝕏'.repeat(50_000),
    'control characters and lone surrogates': `${Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('')}\u007f a\uD800b \uDC00c ${'\u0007\u0000\uD83D'.repeat(3_000)}`,
    'HTML': '<script>alert(1)</script><img src=x onerror=alert(1)><at id=all></at> '.repeat(1_000),
    'many links': '[a](https://x.example/) '.repeat(5_000),
    'unbalanced emphasis': '*a **b _c ~~d '.repeat(8_000),
    'open brackets and backticks': `${'['.repeat(30_000)}${'`'.repeat(30_000)}`,
    'a 10,000-row table': `| a | b |\n|---|---|\n${'| 1 | 2 |\n'.repeat(10_000)}`,
    'a 500-column table': `|${' c |'.repeat(500)}\n|${'---|'.repeat(500)}\n|${' 1 |'.repeat(500)}`,
    'a link with a 10,000-character address': `[label](https://x.example/${'p'.repeat(10_000)}) after`,
    'zalgo text': `Z${'\u0336\u0301'.repeat(5_000)} end`,
  };

  it.each(Object.entries(hostile))('renders %s on every platform without throwing, in valid chunks', (_name, markdown) => {
    const telegram = renderChunks(markdown, 'telegram');
    checkTelegram(telegram, PLATFORM_LIMITS.telegram);
    checkDiscord(renderChunks(markdown, 'discord'), PLATFORM_LIMITS.discord);
    checkCommon(renderChunks(markdown, 'slack'), PLATFORM_LIMITS.slack);
    checkCommon(renderChunks(markdown, 'feishu'), PLATFORM_LIMITS.feishu);
    expect(telegram.length).toBeGreaterThan(0);
  }, 30_000);

  it('loses no part of a 100 KB word, nor of markdown nested too deep to parse', () => {
    expect(renderChunks(word, 'telegram').map((c) => c.text).join('')).toBe(word);
    expect(renderChunks(`${'>'.repeat(10_000)} deep`, 'telegram').map((c) => c.text).join('')).toBe(`${'>'.repeat(10_000)} deep`);
    expect(renderChunks(`${'- '.repeat(10_000)}deep`, 'discord').at(-1)?.text).toMatch(/deep$/);
    expect(renderChunks(`[label](https://x.example/${'p'.repeat(10_000)}) after`, 'discord')).toEqual([{ text: 'label after' }]);
  });

  it('replaces lone surrogates and drops invisible control characters', () => {
    expect(renderChunks('a\uD800b\u0007c\u0000d\tz', 'telegram')).toEqual([{ text: 'a\uFFFDbc\uFFFDd\tz', entities: [] }]);
  });
});
