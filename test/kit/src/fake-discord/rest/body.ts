import type { IncomingHttpHeaders } from 'node:http';
import busboy from 'busboy';
import { contentTypeOf } from '../state';
import { DiscordHttpError, invalidJson, tooLarge } from './errors';

export interface UploadedFile {
  /** The form field, `files[0]` from discord.js. */
  field: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface ParsedBody {
  /** The JSON body, or `payload_json` of a multipart one. */
  json: unknown;
  files: UploadedFile[];
  /** The form kept in RestCall.body: the JSON, or the payload and file metadata of a multipart body. */
  recorded: unknown;
  /** Answered once the request passed auth and faults. */
  problem?: DiscordHttpError;
}

function parseJsonText(text: string): { json: unknown; problem?: DiscordHttpError } {
  try {
    return { json: JSON.parse(text) };
  } catch {
    return { json: text, problem: invalidJson() };
  }
}

// busboy, not undici's Request.formData(): that one is stricter than the SDKs' writers (fake-platforms.md §0.3).
function parseMultipart(headers: IncomingHttpHeaders, raw: Buffer, maxUploadBytes: number): Promise<ParsedBody> {
  return new Promise((resolve) => {
    const files: UploadedFile[] = [];
    let payload: string | undefined;
    let truncated = false;
    const bb = busboy({ headers, limits: { fileSize: maxUploadBytes } });
    bb.on('field', (name, value) => {
      if (name === 'payload_json') payload = value;
    });
    bb.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => (truncated = true));
      stream.on('close', () => {
        const contentType = info.mimeType && info.mimeType !== 'application/octet-stream' ? info.mimeType : contentTypeOf(info.filename ?? '');
        files.push({ field, filename: info.filename ?? field, contentType, bytes: Buffer.concat(chunks) });
      });
    });
    bb.on('error', () => resolve({ json: undefined, files: [], recorded: raw.toString('latin1').slice(0, 200), problem: invalidJson() }));
    bb.on('close', () => {
      const parsed = payload === undefined ? { json: {} } : parseJsonText(payload);
      const meta = files.map((f) => ({ field: f.field, filename: f.filename, contentType: f.contentType, size: f.bytes.length }));
      resolve({ json: parsed.json, files, recorded: { payload_json: parsed.json, files: meta }, problem: truncated ? tooLarge() : parsed.problem });
    });
    bb.end(raw);
  });
}

export async function parseBody(headers: IncomingHttpHeaders, raw: Buffer, maxUploadBytes: number): Promise<ParsedBody> {
  const type = headers['content-type'] ?? '';
  if (/^multipart\/form-data/i.test(type)) return parseMultipart(headers, raw, maxUploadBytes);
  if (raw.length === 0) return { json: undefined, files: [], recorded: undefined };
  const parsed = parseJsonText(raw.toString('utf8'));
  return { json: parsed.json, files: [], recorded: parsed.json, problem: parsed.problem };
}
