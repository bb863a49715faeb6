import fc from 'fast-check';
import { BREAK_LOOKAHEAD, findBreak } from './find-break.js';

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
const boundaries = (text: string): Set<number> => new Set([...[...graphemes.segment(text)].map((s) => s.index), text.length]);

// Text as a model writes it, with the characters that make cutting hard.
const text = fc
  .array(fc.oneof(fc.constantFrom('word', ' ', '\n', '. ', '! ', '。', '𝕏', '👍🏽', '👨‍👩‍👧', 'e\u0301', '\t'), fc.string({ unit: 'grapheme', maxLength: 3 })), { maxLength: 200 })
  .map((parts) => parts.join(''));
// A rendering that escapes some characters: longer than the text, and growing with it.
const rendered = (s: string): number => s.length + (s.match(/[_*.!]/g) ?? []).length;

describe('findBreak', () => {
  it('cuts where the head fits, on a grapheme boundary, dropping only whitespace (prose)', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 120 }), (t, budget) => {
        const cut = findBreak(t, budget, (end) => rendered(t.slice(0, end)) <= budget, 'prose');
        if (cut === null) {
          // Only when not even the first code point fits.
          if (t !== '') expect(rendered(String.fromCodePoint(t.codePointAt(0)!))).toBeGreaterThan(budget);
          return;
        }
        expect(rendered(t.slice(0, cut.headEnd))).toBeLessThanOrEqual(budget);
        expect(cut.headEnd).toBeGreaterThan(0);
        expect(cut.tailStart).toBeGreaterThanOrEqual(cut.headEnd);
        expect(t.slice(cut.headEnd, cut.tailStart)).toMatch(/^\s*$/);
        // A cluster is cut only when it alone is longer than the budget, and then between code points.
        const firstCluster = [...graphemes.segment(t)][0].segment;
        if (rendered(firstCluster) <= budget) expect(boundaries(t).has(cut.headEnd)).toBe(true);
        expect(/[\uD800-\uDBFF]/.test(t[cut.headEnd - 1]) && /[\uDC00-\uDFFF]/.test(t[cut.headEnd] ?? '')).toBe(false);
        expect(boundaries(t).has(cut.tailStart) || rendered(firstCluster) > budget).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('keeps every character of code', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 2, max: 120 }), (t, budget) => {
        const cut = findBreak(t, budget, (end) => end <= budget, 'code');
        if (t === '') return;
        expect(cut).not.toBeNull();
        expect(cut!.tailStart).toBe(cut!.headEnd);
        expect(cut!.headEnd).toBeLessThanOrEqual(budget);
      }),
      { numRuns: 200 },
    );
  });

  it('decides on a long enough prefix as on the whole text', () => {
    fc.assert(
      fc.property(text, text, fc.integer({ min: 1, max: 60 }), (a, b, budget) => {
        const whole = `${a}${b}${'z'.repeat(BREAK_LOOKAHEAD)}${a}`;
        const fits = (end: number): boolean => rendered(whole.slice(0, end)) <= budget;
        expect(findBreak(whole.slice(0, budget + BREAK_LOOKAHEAD), budget, fits, 'prose')).toEqual(findBreak(whole, budget, fits, 'prose'));
      }),
      { numRuns: 200 },
    );
  });

  it('prefers a line break to a sentence end, and a sentence end to a space', () => {
    const fits = (end: number): boolean => end <= 40;
    expect(findBreak('aaaaaaaaaaaaaaaaaaaaaaa\nbbb. cc dddddddddddddddddddddddd', 40, fits, 'prose')).toEqual({ headEnd: 23, tailStart: 24 });
    expect(findBreak('aaaaaaaaaaaaaaaaaaaaaaa bbb. cc ddddddddddddddddddddddddd', 40, fits, 'prose')).toEqual({ headEnd: 28, tailStart: 29 });
    expect(findBreak('aaaaaaaaaaaaaaaaaaaaaaa bbb cc dddddddddddddddddddddddddd', 40, fits, 'prose')).toEqual({ headEnd: 30, tailStart: 31 });
  });

  it('cuts a grapheme cluster longer than the budget (zalgo text) between code points', () => {
    const zalgo = `a${'\u0301'.repeat(100)}`;
    expect(findBreak(zalgo, 10, (end) => end <= 10, 'prose')).toEqual({ headEnd: 10, tailStart: 10 });
    expect(findBreak('𝕏𝕏𝕏', 3, (end) => end <= 3, 'prose')).toEqual({ headEnd: 2, tailStart: 2 });
  });

  it('returns null when not even one character fits', () => {
    expect(findBreak('abc', 5, () => false, 'prose')).toBeNull();
  });
});
