// Where to cut a run of text that does not fit. The caller says how far it may go by answering
// `fits(end)` for a candidate prefix [0, end); that answer is monotone (a longer prefix never
// renders shorter), so the longest fitting prefix is found by binary search over grapheme
// boundaries, or over code points when one cluster is longer than the budget (zalgo text). Then
// the best kind of boundary inside it wins: a line break, a sentence end, a space, and only then
// the grapheme boundary itself.

export interface Break {
  /** The head is text[0, headEnd). */
  headEnd: number;
  /** The tail is text[tailStart, …); the whitespace between the two is dropped. */
  tailStart: number;
}

export type BreakMode = 'prose' | 'code';

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
// A nicer boundary is taken only if it keeps at least this share of the longest fitting head,
// so a stray early newline does not leave a chunk mostly empty.
const MIN_SHARE = 0.5;
// How much text past the window the segmenter sees, to judge the boundaries near its end.
const SEGMENT_MARGIN = 64;
/** How far past `maxVisible` a prefix given as `text` must reach to decide like the whole run. */
export const BREAK_LOOKAHEAD = SEGMENT_MARGIN + 1;

/**
 * @param text the run, or a prefix of it at least maxVisible + BREAK_LOOKAHEAD long (a long run's
 *   caller need not build all of it for every cut)
 * @param maxVisible an upper bound on the head's length (the budget: rendering never shortens text)
 * @returns null when not even one code point fits
 */
export function findBreak(text: string, maxVisible: number, fits: (end: number) => boolean, mode: BreakMode): Break | null {
  const window = Math.min(text.length, maxVisible);
  const maxEnd = longestFit(window, graphemeSnap(text, window), fits) ?? longestFit(window, codePointSnap(text), fits);
  if (maxEnd === null) return null;
  if (maxEnd >= text.length) return { headEnd: text.length, tailStart: text.length };
  const min = Math.ceil(maxEnd * MIN_SHARE);
  const cut = mode === 'prose' ? proseBreak(text, maxEnd, min) : codeBreak(text, maxEnd, min);
  // A shorter head nearly always renders shorter, but escaping depends on context (a bare URL is
  // not escaped, its prefix may be): a nicer cut is taken only once it has been measured.
  return cut.headEnd === maxEnd || fits(cut.headEnd) ? cut : { headEnd: maxEnd, tailStart: maxEnd };
}

function proseBreak(text: string, maxEnd: number, min: number): Break {
  const candidates = [lastNewline(text, maxEnd), lastSentenceEnd(text, maxEnd), lastSpace(text, maxEnd)];
  for (const at of candidates) {
    if (at === null || at < min) continue;
    const cut = trimCut(text, at, at);
    if (cut.headEnd > 0) return cut;
  }
  const cut = trimCut(text, maxEnd, maxEnd);
  return cut.headEnd > 0 ? cut : { headEnd: maxEnd, tailStart: maxEnd };
}

// Code keeps every character: it is cut after a space if one is near the end, else at the boundary.
function codeBreak(text: string, maxEnd: number, min: number): Break {
  const space = lastSpace(text, maxEnd);
  const at = space !== null && space + 1 >= min && space + 1 <= maxEnd ? space + 1 : maxEnd;
  return { headEnd: at, tailStart: at };
}

function trimCut(text: string, headEnd: number, tailStart: number): Break {
  let head = headEnd;
  let tail = tailStart;
  while (head > 0 && /\s/.test(text[head - 1])) head -= 1;
  while (tail < text.length && /\s/.test(text[tail])) tail += 1;
  return { headEnd: head, tailStart: tail };
}

function lastNewline(text: string, maxEnd: number): number | null {
  const at = text.lastIndexOf('\n', maxEnd);
  return at > 0 && at <= maxEnd ? at : null;
}

function lastSpace(text: string, maxEnd: number): number | null {
  for (let i = Math.min(maxEnd, text.length - 1); i > 0; i -= 1) if (/\s/.test(text[i])) return i;
  return null;
}

// A sentence ends after . ! ? … (and any closing quotes or brackets) followed by whitespace, or
// right after a CJK full stop, question or exclamation mark.
const SENTENCE_END = /[.!?…]["'”’)\]]*(?=\s)|[。！？]["'”’)\]」』]*/g;

function lastSentenceEnd(text: string, maxEnd: number): number | null {
  const head = text.slice(0, Math.min(text.length, maxEnd + 1));
  let last: number | null = null;
  for (const match of head.matchAll(SENTENCE_END)) {
    const end = match.index + match[0].length;
    if (end <= maxEnd) last = end;
  }
  return last;
}

// The boundary at or before `end`: the start of the grapheme cluster `end` falls in. Intl.Segmenter
// answers that locally, so a search costs a few lookups, not a segmentation of the whole window.
function graphemeSnap(text: string, window: number): (end: number) => number {
  const segments = graphemes.segment(text.slice(0, window + SEGMENT_MARGIN));
  return (end) => (end >= text.length ? text.length : (segments.containing(end)?.index ?? end));
}

function codePointSnap(text: string): (end: number) => number {
  return (end) => (/[\uDC00-\uDFFF]/.test(text[end] ?? '') && /[\uD800-\uDBFF]/.test(text[end - 1] ?? '') ? end - 1 : end);
}

/** The longest head [0, end) ending on a boundary that fits, by binary search over 1..window. */
function longestFit(window: number, snap: (end: number) => number, fits: (end: number) => boolean): number | null {
  let lo = 1;
  let hi = window;
  let best: number | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const end = snap(mid);
    // Inside the first cluster the head would be empty: no answer, but a longer one may fit.
    if (end === 0 || fits(end)) {
      if (end > 0) best = end;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}
