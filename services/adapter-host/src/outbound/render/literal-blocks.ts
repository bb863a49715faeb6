import type { Block, Inline } from './model.js';

// markdown-it stops parsing a block nested deeper than its maxNesting and silently drops the rest
// of the input. Markdown nested that deep is garbage or an attack, but its words must still arrive,
// so such a reply is shown as literal text instead: one paragraph per run of non-blank lines.

export function literalBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const paragraph of markdown.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/)) {
    const inlines: Inline[] = [];
    for (const line of paragraph.split('\n')) {
      if (line.trim() === '') continue;
      if (inlines.length > 0) inlines.push({ kind: 'softbreak' });
      inlines.push({ kind: 'text', text: line.trim() });
    }
    if (inlines.length > 0) blocks.push({ kind: 'paragraph', inlines });
  }
  return blocks;
}
