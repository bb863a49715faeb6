import { renderChunks } from '../render-chunks.js';
import type { TelegramEntity } from '../rendered.js';

// Each entity as [type, the text it covers, language or url]: easier to read than offsets.
function render(markdown: string): { text: string; spans: string[][] } {
  const chunks = renderChunks(markdown, 'telegram');
  expect(chunks).toHaveLength(1);
  const [{ text, entities = [] }] = chunks;
  return { text, spans: entities.map((e: TelegramEntity) => [e.type, text.slice(e.offset, e.offset + e.length), e.language ?? e.url ?? ''].filter((s, i) => i < 2 || s !== '')) };
}

describe('the Telegram renderer', () => {
  it('turns inline markup into plain text and entities', () => {
    expect(render('**bold** *it* `code` ~~gone~~ ***both***')).toEqual({
      text: 'bold it code gone both',
      spans: [
        ['bold', 'bold'],
        ['italic', 'it'],
        ['code', 'code'],
        ['strikethrough', 'gone'],
        ['bold', 'both'],
        ['italic', 'both'],
      ],
    });
  });

  it('nests entities the way the markdown nests them', () => {
    expect(render('**bold _italic_ bold** and ~~strike **b**~~')).toEqual({
      text: 'bold italic bold and strike b',
      spans: [
        ['bold', 'bold italic bold'],
        ['italic', 'italic'],
        ['strikethrough', 'strike b'],
        ['bold', 'b'],
      ],
    });
  });

  it('links only http, https, tg and mailto addresses', () => {
    const { text, spans } = render('[web](https://a.example/x?y=1&z=2) [tg](tg://resolve?domain=x) [mail](mailto:a@b.example) [ftp](ftp://x.example) [rel](/path) [js](javascript:alert(1))');
    expect(text).toBe('web tg mail ftp rel [js](javascript:alert(1))');
    expect(spans).toEqual([
      ['text_link', 'web', 'https://a.example/x?y=1&z=2'],
      ['text_link', 'tg', 'tg://resolve?domain=x'],
      ['text_link', 'mail', 'mailto:a@b.example'],
    ]);
  });

  it('shows the address of a link whose label is blank, and images as links to them', () => {
    expect(render('[](https://a.example/) [ ](https://b.example/) ![a cat](https://c.example/cat.png)').spans).toEqual([
      ['text_link', 'https://a.example/', 'https://a.example/'],
      ['text_link', 'https://b.example/', 'https://b.example/'],
      ['text_link', 'a cat', 'https://c.example/cat.png'],
    ]);
  });

  it('cuts bold, italic and strikethrough around code, which Telegram lets no entity overlap', () => {
    expect(render('**a `b` c** and # not\n\n# Head `x`')).toEqual({
      text: 'a b c and # not\n\nHead x',
      spans: [
        ['bold', 'a '],
        ['code', 'b'],
        ['bold', ' c'],
        ['bold', 'Head '],
        ['code', 'x'],
      ],
    });
  });

  it('shows code inside a link as plain text, since Telegram nests neither in the other', () => {
    expect(render('[see `f()`](https://a.example/)').spans).toEqual([['text_link', 'see f()', 'https://a.example/']]);
  });

  it('draws headings as bold lines and rules as a line of box characters', () => {
    expect(render('# Title\n\ntext\n\n---\n\n#### **Small** heading')).toEqual({
      text: 'Title\n\ntext\n\n──────────\n\nSmall heading',
      spans: [
        ['bold', 'Title'],
        ['bold', 'Small heading'],
      ],
    });
  });

  it('writes list markers and indents nested and continued items', () => {
    // The blank line makes only the inner list loose (CommonMark).
    expect(render('- one\n- two\n  1. sub\n  2. sub two\n\n     more of sub two\n- three').text).toBe(
      '• one\n• two\n  1. sub\n\n  2. sub two\n\n     more of sub two\n• three',
    );
    expect(render('3. three\n4. four').text).toBe('3. three\n4. four');
  });

  it('makes consecutive quoted blocks one blockquote, and keeps a quote apart from the text after it', () => {
    expect(render('> # Quoted\n> - item\n>\n> para\n\nafter\n\n> again')).toEqual({
      text: 'Quoted\n\n• item\n\npara\n\nafter\n\nagain',
      spans: [
        ['blockquote', 'Quoted\n\n• item\n\npara'],
        ['bold', 'Quoted'],
        ['blockquote', 'again'],
      ],
    });
  });

  it('sends code blocks as pre entities with their language', () => {
    expect(render('```python\nprint("hi")\n  indented\n```\n\n    indented code')).toEqual({
      text: 'print("hi")\n  indented\n\nindented code',
      spans: [
        ['pre', 'print("hi")\n  indented', 'python'],
        ['pre', 'indented code'],
      ],
    });
  });

  it('closes a fence the model left open', () => {
    expect(render('text\n\n```js\nconst a = 1;')).toEqual({ text: 'text\n\nconst a = 1;', spans: [['pre', 'const a = 1;', 'js']] });
  });

  it('lays out a table as aligned monospace text', () => {
    const { text, spans } = render('| Name | Count |\n|:--|--:|\n| 👍🏽 | 1 |\n| longer name | [22](https://x.example) |');
    expect(text).toBe(
      [
        'Name        |                  Count',
        '------------+-----------------------',
        '👍🏽          |                      1',
        'longer name | 22 (https://x.example)',
      ].join('\n'),
    );
    expect(spans).toEqual([['pre', text]]);
  });

  it('keeps raw HTML and entities as the text they show', () => {
    expect(render('<b>x</b> &amp; &lt;script&gt;')).toEqual({ text: '<b>x</b> & <script>', spans: [] });
  });
});
