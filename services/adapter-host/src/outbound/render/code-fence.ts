// Shared by every renderer that writes a code block or names its language.

/** A language tag as platforms accept it: a short word of letters, digits and `+#._-`. */
export function cleanLanguage(lang: string): string {
  return lang.replace(/[^A-Za-z0-9_+#.-]/g, '').slice(0, 32);
}

/** Breaks every run of three backticks with a zero-width space, so code cannot close its fence
 * (Discord and Slack end a block at the first ``` whatever its length). */
export function breakFences(code: string): string {
  return code.replace(/(?<=``)`/g, '\u200b`');
}

/** Splits text into runs, marking bare URLs: escaping inside one would change the link. */
export function splitBareUrls(text: string): { text: string; isUrl: boolean }[] {
  const out: { text: string; isUrl: boolean }[] = [];
  let last = 0;
  for (const match of text.matchAll(/\b(?:https?:\/\/|www\.)[^\s<>]+/g)) {
    if (match.index > last) out.push({ text: text.slice(last, match.index), isUrl: false });
    out.push({ text: match[0], isUrl: true });
    last = match.index + match[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), isUrl: false });
  return out;
}
