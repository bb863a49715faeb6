import type { Inline } from './model.js';

// Offsets here count UTF-16 code units of the *visible* text of an inline tree: text and code
// contents, link labels, and one "\n" per soft or hard break. Markup never counts.

export function visibleText(nodes: Inline[]): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text' || node.kind === 'code') out += node.text;
    else if (node.kind === 'softbreak' || node.kind === 'hardbreak') out += '\n';
    else out += visibleText(node.children);
  }
  return out;
}

/**
 * The part of an inline tree between two visible offsets, with every formatting node that
 * overlaps the range kept around its sliced children, so each slice renders balanced on its own.
 */
export function sliceInlines(nodes: Inline[], from: number, to: number): Inline[] {
  const out: Inline[] = [];
  sliceInto(nodes, from, to, 0, out);
  return out;
}

function sliceInto(nodes: Inline[], from: number, to: number, start: number, out: Inline[]): number {
  let pos = start;
  for (const node of nodes) {
    if (pos >= to) break;
    if (node.kind === 'text' || node.kind === 'code') {
      const end = pos + node.text.length;
      if (end > from) {
        const text = node.text.slice(Math.max(0, from - pos), to - pos);
        if (text !== '') out.push({ kind: node.kind, text });
      }
      pos = end;
    } else if (node.kind === 'softbreak' || node.kind === 'hardbreak') {
      if (pos >= from) out.push(node);
      pos += 1;
    } else {
      const children: Inline[] = [];
      const end = sliceInto(node.children, from, to, pos, children);
      if (children.length > 0) out.push({ ...node, children });
      pos = end;
    }
  }
  // Past `to` the exact position no longer matters: every caller stops as well.
  return pos;
}
