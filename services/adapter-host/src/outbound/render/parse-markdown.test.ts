import { parseMarkdown } from './parse-markdown.js';

describe('parseMarkdown', () => {
  it('turns markdown into the block model', () => {
    expect(parseMarkdown('# T\n\n**b** [l](https://a.example/)\n\n1. x')).toEqual([
      { kind: 'heading', level: 1, inlines: [{ kind: 'text', text: 'T' }] },
      {
        kind: 'paragraph',
        inlines: [
          { kind: 'strong', children: [{ kind: 'text', text: 'b' }] },
          { kind: 'text', text: ' ' },
          { kind: 'link', href: 'https://a.example/', children: [{ kind: 'text', text: 'l' }] },
        ],
      },
      { kind: 'list', ordered: true, start: 1, tight: true, items: [[{ kind: 'paragraph', inlines: [{ kind: 'text', text: 'x' }] }]] },
    ]);
  });

  it('keeps raw HTML as text', () => {
    expect(parseMarkdown('<b>x</b>')).toEqual([{ kind: 'paragraph', inlines: [{ kind: 'text', text: '<b>x</b>' }] }]);
  });

  it('shows markdown nested deeper than markdown-it parses as literal text, instead of dropping it', () => {
    expect(parseMarkdown(`${'>'.repeat(500)} deep\n\nnext`)).toEqual([
      { kind: 'paragraph', inlines: [{ kind: 'text', text: `${'>'.repeat(500)} deep` }] },
      { kind: 'paragraph', inlines: [{ kind: 'text', text: 'next' }] },
    ]);
    expect(parseMarkdown(`${'>'.repeat(20)} fine`)).toEqual([expect.objectContaining({ kind: 'quote' })]);
  });

  it('replaces lone surrogates and drops invisible control characters before parsing', () => {
    expect(parseMarkdown('a\uDC00b\u0001c\u001bd\u007f\r\ne')).toEqual([
      { kind: 'paragraph', inlines: [{ kind: 'text', text: 'a\uFFFDbcd' }, { kind: 'softbreak' }, { kind: 'text', text: 'e' }] },
    ]);
  });
});
