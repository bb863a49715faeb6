import { AppError } from '@cliver/common';
import type { PlacedUnit, Unit } from './layout.js';
import type { PlatformRenderer, RenderedChunk, TelegramEntity } from './rendered.js';
import { splitUnit, type Split } from './split-unit.js';

// Packing happens after rendering: every size compared with the limit is the length of the
// platform's own text (escapes, markers and URLs included), so what fits here fits there.
//
// Units are packed whole, greedily. A unit larger than a whole message is split: its head fills
// what is left of the current chunk (when enough is left to be worth it), the rest starts the
// next chunk and is split again as often as needed.

// An oversized unit starts in the current chunk only if at least this share of a message is free.
const MIN_ROOM_SHARE = 0.25;

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
      const rendered = renderer.renderUnit(unit);
      const extra = (parts.length === 0 ? 0 : sep.length) + rendered.text.length;
      if (used + extra <= limit) {
        push(rendered, sep);
        break;
      }
      if (rendered.text.length <= limit) {
        flush();
        continue;
      }
      const room = limit - used - (parts.length === 0 ? 0 : sep.length);
      const split: Split | null = parts.length > 0 && room >= limit * MIN_ROOM_SHARE ? splitUnit(unit, room, measure) : null;
      if (split === null && parts.length > 0) {
        flush();
        continue;
      }
      const { head, tail }: Split = split ?? splitAlone(unit, limit, measure);
      push(renderer.renderUnit(head), sep);
      flush();
      unit = tail;
    }
  }
  flush();
  return chunks;
}

// In an empty chunk a split can only fail when the decoration alone (list indentation of a
// very deep list) is too big; drop the decoration rather than the text.
function splitAlone(unit: Unit, limit: number, measure: (unit: Unit) => number): Split {
  const split = splitUnit(unit, limit, measure);
  if (split !== null) return split;
  if (unit.kind === 'text' && (unit.list.length > 0 || unit.quote || unit.heading > 0)) {
    return splitAlone({ ...unit, list: [], quote: false, heading: 0 }, limit, measure);
  }
  throw new AppError('internal', `cannot fit one character of a ${unit.kind} block into a ${limit}-unit message: raise the message limit`, {
    reason: 'chunk_limit_too_low',
  });
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
