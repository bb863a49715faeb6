import { BotApiError } from './envelope';
import { CAPTION, formatText, MESSAGE_TEXT } from './formatted-text';

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (err instanceof BotApiError) return `${err.errorCode} ${err.description}`;
    throw err;
  }
  throw new Error('expected a refusal');
}

test('trims whitespace at both ends and moves the entities with the text', () => {
  const entities = [
    { type: 'bold', offset: 0, length: 5 },
    { type: 'italic', offset: 6, length: 7 },
  ];
  expect(formatText('\n  hi there \n', undefined, entities, MESSAGE_TEXT)).toEqual({
    text: 'hi there',
    entities: [
      { type: 'bold', offset: 0, length: 2 },
      { type: 'italic', offset: 3, length: 5 },
    ],
  });
});

test('MarkdownV2 markup does not count toward the limit; the visible text does', () => {
  expect(formatText(`_${'x'.repeat(4096)}_`, 'MarkdownV2', undefined, MESSAGE_TEXT).text).toHaveLength(4096);
  expect(refusal(() => formatText(`_${'x'.repeat(4097)}_`, 'MarkdownV2', undefined, MESSAGE_TEXT))).toBe('400 Bad Request: message is too long');
});

test('parse_mode is matched case-insensitively; an unknown one is refused', () => {
  expect(formatText('*a*', 'markdownv2', undefined, MESSAGE_TEXT).entities).toEqual([{ type: 'bold', offset: 0, length: 1 }]);
  expect(refusal(() => formatText('a', 'Fancy', undefined, MESSAGE_TEXT))).toBe('400 Bad Request: unsupported parse_mode');
});

test('an unclosed entity is refused with tdlib words and the byte offset', () => {
  expect(refusal(() => formatText('ü *open', 'MarkdownV2', undefined, MESSAGE_TEXT))).toBe("400 Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 3");
});

test('entities need their extra fields; zero-length ones are dropped', () => {
  expect(refusal(() => formatText('link', undefined, [{ type: 'text_link', offset: 0, length: 4 }], MESSAGE_TEXT))).toBe(
    `400 Bad Request: can't parse MessageEntity: Can't find field "url"`,
  );
  expect(formatText('ab', undefined, [{ type: 'bold', offset: 1, length: 0 }], MESSAGE_TEXT).entities).toEqual([]);
});

test('a caption may be empty but not over 1024 units', () => {
  expect(formatText('', undefined, undefined, CAPTION).text).toBe('');
  expect(refusal(() => formatText('c'.repeat(1025), undefined, undefined, CAPTION))).toBe('400 Bad Request: message caption is too long');
});
