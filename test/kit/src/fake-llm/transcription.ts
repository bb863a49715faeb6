import type { ServerResponse } from 'node:http';
import { sendJson } from './respond';

export interface Upload {
  fields: Record<string, string>;
  files: Array<{ field: string; filename: string; contentType: string; size: number }>;
}

const CRLF2 = Buffer.from('\r\n\r\n');

function header(head: string, re: RegExp): string {
  return re.exec(head)?.[1] ?? '';
}

/** Just enough multipart/form-data for SDK uploads; the file bytes are counted, not kept. */
export function parseMultipart(contentType: string | undefined, buf: Buffer): Upload | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  if (!boundary) return undefined;
  const delim = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const upload: Upload = { fields: {}, files: [] };
  let pos = buf.indexOf(delim);
  while (pos >= 0) {
    let start = pos + delim.length;
    if (buf[start] === 0x2d && buf[start + 1] === 0x2d) break; // "--" closes the body
    start += 2;
    const next = buf.indexOf(delim, start);
    if (next < 0) break;
    const part = buf.subarray(start, next - 2);
    const split = part.indexOf(CRLF2);
    if (split >= 0) {
      const head = part.subarray(0, split).toString('latin1');
      const content = part.subarray(split + 4);
      const field = header(head, /\bname="([^"]*)"/i);
      if (/\bfilename="/i.test(head)) {
        upload.files.push({
          field,
          filename: header(head, /\bfilename="([^"]*)"/i),
          contentType: header(head, /content-type:\s*([^\r\n]+)/i),
          size: content.length,
        });
      } else {
        upload.fields[field] = content.toString('utf8');
      }
    }
    pos = next;
  }
  return upload;
}

/** Answers in the shape the requested `response_format` promises, as the OpenAI SDK parses by format. */
export function sendTranscription(res: ServerResponse, upload: Upload, text: string): void {
  const format = upload.fields.response_format ?? 'json';
  if (format === 'text' || format === 'srt' || format === 'vtt') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(text);
    return;
  }
  if (format === 'verbose_json') {
    sendJson(res, 200, { task: 'transcribe', language: upload.fields.language ?? 'english', duration: 1, text, segments: [] });
    return;
  }
  sendJson(res, 200, { text });
}
