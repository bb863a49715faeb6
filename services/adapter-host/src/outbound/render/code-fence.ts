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
