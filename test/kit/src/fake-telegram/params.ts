import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { badRequest, BotApiError } from './envelope';
import type { UploadedFile } from './types';

// Telegram's own upload limit for bots (50 MB), plus room for the other form fields.
export const MAX_BODY_BYTES = 51 * 1024 * 1024;

const tooLarge = (): BotApiError => new BotApiError(413, 'Request Entity Too Large');

/** Reads the whole body; a body over the limit is refused as Telegram refuses it. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// busboy, not undici's Request.formData(): grammY writes `filename=a.txt` unquoted and without the
// space after ';', which undici refuses (fake-platforms.md §0.3).
function parseMultipart(headers: IncomingHttpHeaders, raw: Buffer): Promise<{ fields: Record<string, unknown>; files: UploadedFile[] }> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, unknown> = {};
    const files: UploadedFile[] = [];
    const bb = busboy({ headers });
    bb.on('field', (name, value) => (fields[name] = value));
    bb.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('close', () => files.push({ field, filename: info.filename ?? field, contentType: info.mimeType, bytes: Buffer.concat(chunks) }));
    });
    bb.on('error', () => reject(badRequest("can't parse multipart/form-data body")));
    bb.on('close', () => resolve({ fields, files }));
    bb.end(raw);
  });
}

/** The call's parameters: the query string, overridden by the body (JSON, urlencoded or multipart). */
export async function parseParams(headers: IncomingHttpHeaders, query: URLSearchParams, raw: Buffer): Promise<Params> {
  const fields: Record<string, unknown> = Object.fromEntries(query);
  const type = (headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    const form = await parseMultipart(headers, raw);
    return new Params({ ...fields, ...form.fields }, form.files);
  }
  if (type.startsWith('application/x-www-form-urlencoded')) return new Params({ ...fields, ...Object.fromEntries(new URLSearchParams(raw.toString('utf8'))) }, []);
  if (raw.length === 0) return new Params(fields, []);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequest("can't parse JSON encoded request body");
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('request body must be a JSON object');
  return new Params({ ...fields, ...(body as Record<string, unknown>) }, []);
}

/**
 * Typed reads of one call's fields. A JSON body carries numbers and objects; form fields and the
 * query string carry only strings, which Telegram converts by the field's type, and so does this.
 */
export class Params {
  constructor(
    readonly fields: Record<string, unknown>,
    readonly files: UploadedFile[],
  ) {}

  has(name: string): boolean {
    const v = this.fields[name];
    return v !== undefined && v !== null && v !== '';
  }

  string(name: string): string | undefined {
    const v = this.fields[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw badRequest(`field "${name}" must be of type String`);
  }

  int(name: string): number | undefined {
    if (!this.has(name)) return undefined;
    const v = this.fields[name];
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n)) throw badRequest(`field "${name}" must be of type Integer`);
    return n;
  }

  bool(name: string): boolean {
    const v = this.fields[name];
    return v === true || v === 'true' || v === '1' || v === 1;
  }

  /** An object field: a JSON body has it as an object, a form as its JSON text. */
  json(name: string): unknown {
    const v = this.fields[name];
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v);
    } catch {
      throw badRequest(`can't parse ${name} JSON object`);
    }
  }

  object(name: string): Record<string, unknown> | undefined {
    const v = this.json(name);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(`field "${name}" must be of type Object`);
    return v as Record<string, unknown>;
  }

  /** chat_id as a number, or an "@username" string. */
  chatRef(): number | string {
    const v = this.fields.chat_id;
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && v.trim() !== '') return /^-?\d+$/.test(v.trim()) ? Number(v) : v.trim();
    throw badRequest('chat_id is empty');
  }
}
