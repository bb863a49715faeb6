// Model output reaches the platforms as JSON strings. A lone surrogate has no UTF-8 encoding
// (Telegram then refuses the whole message), and C0 control characters other than tab, line feed
// and carriage return are invisible and only confuse the platforms' own parsers; so before parsing,
// a lone surrogate becomes U+FFFD and such a control character is dropped. markdown-it itself
// already turns NUL into U+FFFD and CR LF into LF.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE_CONTROL = /[\u0001-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

export function cleanInput(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD').replace(INVISIBLE_CONTROL, '');
}
