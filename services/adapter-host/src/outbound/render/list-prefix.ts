import type { ListLevel } from './layout.js';

export interface ListStyle {
  /** The bullet with its trailing space, e.g. "• " or "- ". */
  bullet: string;
  /** Spaces per nesting level; null to indent by the width of the parent's marker (CommonMark). */
  levelIndent: number | null;
}

export interface ListPrefix {
  /** Before the first line of the unit: indentation and the item's marker. */
  lead: string;
  /** Before every later line: the same width in spaces. */
  indent: string;
}

export function listPrefix(list: ListLevel[], continued: boolean, style: ListStyle): ListPrefix {
  if (list.length === 0) return { lead: '', indent: '' };
  const marker = (level: ListLevel): string => (level.ordered ? `${level.number}. ` : style.bullet);
  const outer = list
    .slice(0, -1)
    .map((level) => ' '.repeat(style.levelIndent ?? marker(level).length))
    .join('');
  const own = marker(list[list.length - 1]);
  const indent = outer + ' '.repeat(own.length);
  return { lead: continued ? indent : outer + own, indent };
}
