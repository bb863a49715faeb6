import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import getRawBody from 'raw-body';
import { AppError } from '@cliver/common';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;

const DECODERS: Record<string, (() => NodeJS.ReadWriteStream) | undefined> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

function unsupportedEncoding(): AppError {
  return new AppError('invalid_argument', 'The request body uses an unsupported encoding.', { reason: 'unsupported_encoding' });
}

/** raw-body's errors (typed by `type`), in our codes; anything else is passed on as it is. */
function fromReadError(err: unknown): unknown {
  const e = err as { type?: string; limit?: number };
  if (e?.type === 'entity.too.large') {
    return new AppError('invalid_argument', `The request body is larger than the limit of ${e.limit} bytes.`, { reason: 'payload_too_large' });
  }
  if (e?.type === 'request.size.invalid') {
    return new AppError('invalid_argument', 'The request body is shorter or longer than its Content-Length.', { reason: 'invalid_body' });
  }
  if (e?.type === 'request.aborted') return new AppError('unavailable', 'the client went away while sending the body', { reason: 'cancelled' });
  return err;
}

/**
 * Reads a JSON request body: the value, `{}` for an empty body, or undefined when the body is not
 * declared as JSON. gzip, deflate and br bodies are inflated, and the limit counts inflated bytes.
 */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const type = req.headers['content-type'];
  if (!type || !JSON_TYPE.test(type)) {
    req.resume();
    return undefined;
  }
  const charset = CHARSET.exec(type)?.[1]?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') throw unsupportedEncoding();
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  const decoder = encoding === 'identity' ? undefined : DECODERS[encoding];
  if (encoding !== 'identity' && !decoder) throw unsupportedEncoding();
  const source: Readable = decoder ? (req.pipe(decoder()) as unknown as Readable) : req;
  let raw: Buffer;
  try {
    raw = await getRawBody(source, { limit: limitBytes, length: decoder ? undefined : req.headers['content-length'] });
  } catch (err) {
    throw fromReadError(err);
  }
  if (raw.length === 0) return {};
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AppError('invalid_argument', 'We could not parse the JSON body of your request: it is not valid JSON.', { reason: 'invalid_json' });
  }
}
