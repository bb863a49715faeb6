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

/** visibleText(nodes).length, without building the string. */
export function visibleLength(nodes: Inline[]): number {
  let length = 0;
  for (const node of nodes) length += nodeLength(node);
  return length;
}

// A long unit is sliced once per chunk, and its tail shares the untouched nodes of the original;
// remembering their lengths keeps every slice proportional to the part that is cut. Inline trees
// are never changed once parsed, so a remembered length stays right.
const lengths = new WeakMap<Inline, number>();

function nodeLength(node: Inline): number {
  if (node.kind === 'text' || node.kind === 'code') return node.text.length;
  if (node.kind === 'softbreak' || node.kind === 'hardbreak') return 1;
  let length = lengths.get(node);
  if (length === undefined) {
    length = visibleLength(node.children);
    lengths.set(node, length);
  }
  return length;
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

function sliceInto(nodes: Inline[], from: number, to: number, start: number, out: Inline[]): void {
  let pos = start;
  for (const node of nodes) {
    if (pos >= to) break;
    const end = pos + nodeLength(node);
    if (end <= from || end === pos) {
      // Before the range, or invisible.
    } else if (pos >= from && end <= to) {
      out.push(node);
    } else if (node.kind === 'text' || node.kind === 'code') {
      out.push({ kind: node.kind, text: node.text.slice(Math.max(0, from - pos), to - pos) });
    } else if (node.kind !== 'softbreak' && node.kind !== 'hardbreak') {
      const children: Inline[] = [];
      sliceInto(node.children, from, to, pos, children);
      out.push({ ...node, children });
    }
    pos = end;
  }
}

/** The same tree with each link that `isDropped` picks replaced by its label; the visible text
 * is unchanged. */
export function withoutLinks(nodes: Inline[], isDropped: (link: Extract<Inline, { kind: 'link' }>) => boolean): Inline[] {
  return nodes.flatMap((node): Inline[] => {
    if (node.kind === 'link') return isDropped(node) ? withoutLinks(node.children, isDropped) : [{ ...node, children: withoutLinks(node.children, isDropped) }];
    if (node.kind === 'strong' || node.kind === 'em' || node.kind === 'strike') return [{ ...node, children: withoutLinks(node.children, isDropped) }];
    return [node];
  });
}
