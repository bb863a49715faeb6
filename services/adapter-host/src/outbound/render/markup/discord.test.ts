import { renderChunks } from '../render-chunks.js';

function render(markdown: string): string {
  const chunks = renderChunks(markdown, 'discord');
  expect(chunks).toHaveLength(1);
  expect(chunks[0].entities).toBeUndefined();
  return chunks[0].text;
}

describe('the Discord renderer', () => {
  it('writes inline markup in Discord markdown', () => {
    expect(render('**bold** *it* _it too_ `code` ~~gone~~ **bold _nested_**')).toBe('**bold** *it* *it too* `code` ~~gone~~ **bold *nested***');
  });

  it('writes code spans with backticks inside between double fences, never ``` (a block in Discord)', () => {
    expect(render('`` a`b `` and `` `x` ``')).toBe('``a`b`` and `` `x` ``');
    expect(render('```` a```b ````')).toBe('``a`\u200b`\u200b`b``');
  });

  it('escapes literal markup characters, and line-start ones only at a line start', () => {
    expect(render('2 \\* 3 = a_b_c, |x| [y] ~z~ \\\\ # - 1. end')).toBe('2 \\* 3 = a\\_b\\_c, \\|x\\| \\[y\\] \\~z\\~ \\\\ # - 1. end');
    expect(render('\\# not a heading\\\n\\- not a list\\\n1\\. not a list\\\n\\> not a quote')).toBe(
      '\\# not a heading\n\\- not a list\n1\\. not a list\n\\> not a quote',
    );
  });

  it('leaves bare web addresses alone, since Discord links them itself', () => {
    expect(render('see https://a.example/x_y_z, or www.b_c.example')).toBe('see https://a.example/x_y_z, or www.b\\_c.example');
  });

  it('masks links to web addresses only, and shows other links as their label', () => {
    expect(render('[**site**](https://a.example/p_(1)) [mail](mailto:a@b.example) [tg](tg://resolve?domain=x) <https://c.example/>')).toBe(
      '[**site**](https://a.example/p_%281%29) mail tg https://c.example/',
    );
  });

  it('writes headings up to level 3 as headings and deeper ones as bold lines', () => {
    expect(render('# One\n\n### Three **bold**\n\n#### Four **bold**')).toBe('# One\n\n### Three **bold**\n\n**Four bold**');
  });

  it('writes lists with their markers and nested lists indented under the parent marker', () => {
    expect(render('- a\n- b\n  1. c\n  2. d\n- e')).toBe('- a\n- b\n  1. c\n  2. d\n- e');
    expect(render('7. seven\n\n8. eight')).toBe('7. seven\n\n8. eight');
  });

  it('prefixes every line of a quote', () => {
    expect(render('> quoted\n> line\n>\n> - item\n\nafter')).toBe('> quoted\n> line\n\n> - item\n\nafter');
  });

  it('fences code blocks with their language and keeps code from closing its fence', () => {
    expect(render('```ts\nconst a = "```";\n```')).toBe('```ts\nconst a = "``\u200b`";\n```');
    expect(render('```\nunclosed')).toBe('```\nunclosed\n```');
  });

  it('lays out a table as an aligned code block', () => {
    expect(render('| a | b |\n|---|:-:|\n| 1 | 22 |\n| 333 | 4 |')).toBe('```\na   | b\n----+---\n1   | 22\n333 | 4\n```');
  });

  it('draws a rule as box characters, not as a heading underline', () => {
    expect(render('above\n\n---\n\nbelow')).toBe('above\n\n──────────\n\nbelow');
  });
});
