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

/** How much of a body, and how slowly, /v1 accepts. */
export interface BodyLimits {
  /** Counted after inflating; more is a 413. */
  maxBytes: number;
  /** No byte of the body for this long: a 408 (a client that stalled after the headers). */
  idleTimeoutMs: number;
  /** The whole body must have arrived within this: a 408 (a client that trickles it). */
  totalTimeoutMs: number;
}

function unsupportedEncoding(): AppError {
  return new AppError('invalid_argument', 'The request body uses an unsupported encoding.', { reason: 'unsupported_encoding' });
}

function notJson(type: string | undefined): AppError {
  const got = type ? `got "${type.length > 60 ? `${type.slice(0, 57)}...` : type}"` : 'no Content-Type was sent';
  return new AppError('invalid_argument', `The request body must be JSON sent with Content-Type: application/json (${got}).`, {
    reason: 'unsupported_media_type',
  });
}

function notDecodable(encoding: string): AppError {
  return new AppError('invalid_argument', `The request body is not valid ${encoding} data, or it is cut off, although Content-Encoding says ${encoding}.`, {
    reason: 'invalid_body',
  });
}

const clientGone = () => new AppError('unavailable', 'the client went away while sending the body', { reason: 'cancelled' });

function timedOut(message: string): AppError {
  return new AppError('invalid_argument', `${message} Send the whole body right after the headers.`, { reason: 'request_timeout' });
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
  if (e?.type === 'request.aborted') return clientGone();
  return err;
}

/**
 * Settles with `reading`, or rejects with a 408 once the body stalls or takes too long. On a
 * timeout `stop` ends the read; the socket cannot serve another request, since the rest of this
 * body never came (the /v1 error writer closes it).
 */
function withinTimeouts<T>(req: IncomingMessage, reading: Promise<T>, limits: BodyLimits, stop: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const expire = (err: AppError) => {
      stop();
      reject(err);
    };
    const idle = setTimeout(() => expire(timedOut(`No part of the request body arrived for ${limits.idleTimeoutMs} ms.`)), limits.idleTimeoutMs);
    const total = setTimeout(() => expire(timedOut(`The request body did not arrive within ${limits.totalTimeoutMs} ms.`)), limits.totalTimeoutMs);
    const onData = () => idle.refresh();
    req.on('data', onData);
    const settle = () => {
      clearTimeout(idle);
      clearTimeout(total);
      req.off('data', onData);
    };
    reading.then(
      (value) => (settle(), resolve(value)),
      (err: unknown) => (settle(), reject(err)),
    );
  });
}

/** The raw body, inflated through `decoder` when there is one; every failure an AppError. */
function readRaw(req: IncomingMessage, encoding: string, makeDecoder: (() => NodeJS.ReadWriteStream) | undefined, limits: BodyLimits): Promise<Buffer> {
  if (!makeDecoder) {
    const reading = getRawBody(req, { limit: limits.maxBytes, length: req.headers['content-length'] }).catch((err: unknown) => Promise.reject(fromReadError(err)));
    return withinTimeouts(req, reading, limits, () => req.pause());
  }
  const decoder = makeDecoder() as unknown as Readable;
  // Why the inflater stopped, when it was not its input that was broken.
  let stoppedBy: 'client_gone' | 'timeout' | undefined;
  decoder.once('error', () => {
    if (stoppedBy) return;
    // Broken input: discard the rest, so that the connection can carry the client's next request.
    req.unpipe();
    req.resume();
  });
  // The inflater knows nothing of the client: without this, a client that leaves mid-body
  // would leave the read waiting for an end that never comes.
  req.once('close', () => {
    if (req.complete || decoder.destroyed) return;
    stoppedBy = 'client_gone';
    decoder.destroy(clientGone());
  });
  req.pipe(decoder as unknown as NodeJS.WritableStream);
  const reading = getRawBody(decoder, { limit: limits.maxBytes }).catch((err: unknown) => {
    if (stoppedBy === 'client_gone') throw clientGone();
    const e = err as { type?: string };
    throw e?.type ? fromReadError(err) : notDecodable(encoding);
  });
  return withinTimeouts(req, reading, limits, () => {
    stoppedBy = 'timeout';
    req.unpipe();
    req.pause();
    decoder.destroy(timedOut('The request body timed out.'));
  });
}

/**
 * Reads a JSON request body: the value, or `{}` for an empty body. A body not declared as JSON
 * is a 415; gzip, deflate and br bodies are inflated, and the size limit counts inflated bytes.
 */
export async function readJsonBody(req: IncomingMessage, limits: BodyLimits): Promise<unknown> {
  const type = req.headers['content-type'];
  if (!type || !JSON_TYPE.test(type)) throw notJson(type);
  const charset = CHARSET.exec(type)?.[1]?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') throw unsupportedEncoding();
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  const makeDecoder = encoding === 'identity' ? undefined : DECODERS[encoding];
  if (encoding !== 'identity' && !makeDecoder) throw unsupportedEncoding();
  const raw = await readRaw(req, encoding, makeDecoder, limits);
  if (raw.length === 0) return {};
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AppError('invalid_argument', 'We could not parse the JSON body of your request: it is not valid JSON.', { reason: 'invalid_json' });
  }
}
