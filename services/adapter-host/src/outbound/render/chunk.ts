import { AppError } from '@cliver/common';
import { sliceInlines, visibleLength, withoutLinks } from './inline-text.js';
import type { PlacedUnit, TextUnit, Unit } from './layout.js';
import type { Inline } from './model.js';
import type { PlatformRenderer, RenderedChunk, TelegramEntity } from './rendered.js';
import { splitUnit, type Split } from './split-unit.js';

// Packing happens after rendering: every size compared with the limit is the length of the
// platform's own text (escapes, markers and URLs included), so what fits here fits there.
//
// Units are packed whole, greedily, so chunks end at paragraph (block) breaks. A unit larger than
// a whole message is split (find-break.ts prefers a line break, then a sentence end, then a
// space): its head fills what is left of the current chunk, the rest starts the next chunk and is
// split again as often as needed. But the paragraph break before such a unit stays the better
// cut while the current chunk is at least half full, as find-break.ts takes a nicer break when
// it keeps at least half of the message.

const MIN_FILL_SHARE = 0.5;

interface Part {
  rendered: RenderedChunk;
  sep: string;
}

export function packUnits(placed: PlacedUnit[], renderer: PlatformRenderer): RenderedChunk[] {
  const { limit } = renderer;
  const measure = (unit: Unit): number => renderer.renderUnit(unit).text.length;
  const chunks: RenderedChunk[] = [];
  let parts: Part[] = [];
  let used = 0;
  const flush = (): void => {
    if (parts.length === 0) return;
    const chunk = renderer.finish(joinParts(parts));
    if (chunk.text.trim() !== '') chunks.push(chunk);
    parts = [];
    used = 0;
  };
  const push = (rendered: RenderedChunk, sep: string): void => {
    const part = { rendered, sep: parts.length === 0 ? '' : sep };
    parts.push(part);
    used += part.sep.length + rendered.text.length;
  };

  for (const { unit: first, sep } of placed) {
    let unit: Unit | null = first;
    while (unit !== null) {
      const sepLength = parts.length === 0 ? 0 : sep.length;
      // A unit whose bare text alone exceeds a message is split without being rendered whole:
      // rendering the rest of a long unit once per chunk made long replies quadratic.
      const rendered = bareLength(unit) <= limit ? renderer.renderUnit(unit) : null;
      if (rendered !== null && used + sepLength + rendered.text.length <= limit) {
        push(rendered, sep);
        break;
      }
      if (rendered !== null && rendered.text.length <= limit) {
        flush();
        continue;
      }
      const room = limit - used - sepLength;
      const split: Split | null = parts.length > 0 && used < limit * MIN_FILL_SHARE ? splitUnit(unit, room, measure) : null;
      if (split === null && parts.length > 0) {
        flush();
        continue;
      }
      const { head, tail }: Split = split ?? splitAlone(unit, limit, measure);
      push(renderer.renderUnit(head), sep);
      if (tail !== null) flush();
      unit = tail;
    }
  }
  flush();
  return chunks;
}

/** A lower bound of a unit's rendered length: rendering adds markup and never drops text. */
function bareLength(unit: Unit): number {
  if (unit.kind === 'text') return visibleLength(unit.inlines);
  if (unit.kind === 'code') return unit.lines.reduce((sum, line) => sum + line.length + 1, -1);
  return 0;
}

// In an empty chunk a split can only fail when something that cannot be cut is too big on its
// own: the decoration of a very deep list, or a link whose address is longer than a message
// (Discord, Slack and Feishu write the address into the text). The head then goes without that
// decoration and shows such links as their labels; the tail gets the decoration back.
function splitAlone(unit: Unit, limit: number, measure: (unit: Unit) => number): Split {
  const split = splitUnit(unit, limit, measure);
  if (split !== null) return split;
  if (unit.kind === 'text') {
    const bare: TextUnit = { ...unit, inlines: [], list: [], quote: false, heading: 0 };
    // A link that does not fit with a one-character label cannot fit at all.
    const isOversized = (link: Extract<Inline, { kind: 'link' }>): boolean =>
      measure({ ...bare, inlines: [{ ...link, children: [{ kind: 'text', text: 'x' }] }] }) > limit;
    const plain: TextUnit = { ...bare, inlines: withoutLinks(unit.inlines, isOversized) };
    const plainSplit = splitUnit(plain, limit, measure);
    if (plainSplit !== null) return { head: plainSplit.head, tail: plainSplit.tail && restoreTail(unit, plainSplit.tail) };
  }
  throw new AppError('internal', `cannot fit one character of a ${unit.kind} block into a ${limit}-unit message: raise the message limit`, {
    reason: 'chunk_limit_too_low',
  });
}

// The plain unit has the same visible text as the original, so its tail is a suffix of both.
function restoreTail(unit: TextUnit, plainTail: Unit): Unit {
  if (plainTail.kind !== 'text') return plainTail;
  const total = visibleLength(unit.inlines);
  const from = total - visibleLength(plainTail.inlines);
  return { ...unit, inlines: sliceInlines(unit.inlines, from, total), continued: true };
}

function joinParts(parts: Part[]): RenderedChunk {
  let text = '';
  const entities: TelegramEntity[] = [];
  let hasEntities = false;
  for (const { rendered, sep } of parts) {
    text += sep;
    const shift = text.length;
    if (rendered.entities) {
      hasEntities = true;
      for (const e of rendered.entities) entities.push({ ...e, offset: e.offset + shift });
    }
    text += rendered.text;
  }
  return hasEntities ? { text, entities } : { text };
}
