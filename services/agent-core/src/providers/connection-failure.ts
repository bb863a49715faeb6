// Plain words for why a connection to a provider failed. The SDKs report every network failure
// as "Connection error."; what happened is in the `cause` chain they wrap (undici and node:net
// errors with a `code`), and an operator needs it to tell a typo in api_url from a server that
// is down or a TLS problem.

interface NetErrorLike {
  code?: unknown;
  message?: unknown;
  hostname?: unknown;
  address?: unknown;
  port?: unknown;
  socket?: { remoteAddress?: unknown; remotePort?: unknown };
  cause?: unknown;
  errors?: unknown;
}

// Enough to get through the SDK error, fetch's TypeError and an AggregateError of addresses.
const MAX_DEPTH = 8;

// Node's own wording: "connect ECONNREFUSED 127.0.0.1:9", "getaddrinfo ENOTFOUND api.x.invalid".
const NODE_MESSAGE = /^(connect|getaddrinfo|read|write) ([A-Z][A-Z_]+)(?: (\S+))?/;

/**
 * The SDKs rebuild an error that fails `instanceof Error` (one from another realm: jest's vm,
 * a worker) from its message and cause only, dropping `code`; Node's message still carries it.
 */
function fromMessage(n: NetErrorLike): NetErrorLike {
  const m = NODE_MESSAGE.exec(str(n.message) ?? '');
  if (!m) return n;
  const [, syscall, code, target] = m;
  if (syscall === 'getaddrinfo') return { ...n, code, hostname: target };
  const at = target ? /^(.*):(\d+)$/.exec(target) : null;
  return { ...n, code, address: at ? at[1] : target, port: at ? Number(at[2]) : undefined };
}

function* chainOf(err: unknown): Generator<NetErrorLike> {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length && seen.size < MAX_DEPTH) {
    const e = queue.shift();
    if (e === null || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const n = e as NetErrorLike;
    yield n.code === undefined ? fromMessage(n) : n;
    queue.push(n.cause);
    // Happy eyeballs (IPv6 and IPv4 of one name) fails with an AggregateError of both attempts.
    if (Array.isArray(n.errors)) queue.push(...n.errors);
  }
}

const TLS_WORDS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate chain contains a self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate is not signed by a trusted authority',
  UNABLE_TO_GET_ISSUER_CERT: 'the issuer of its certificate is unknown',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the issuer of its certificate is not trusted here',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate is for another host name',
};
const TLS_ADVICE = 'if it uses a private certificate authority, give its certificate to the gateway with NODE_EXTRA_CA_CERTS';

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

function isNetworkCode(code: string | undefined): code is string {
  return code !== undefined && (/^E[A-Z_]+$/.test(code) || code.startsWith('UND_ERR_') || isTls(code));
}

function isTls(code: string): boolean {
  return code in TLS_WORDS || /^(CERT_|ERR_TLS_|ERR_SSL_)/.test(code) || code === 'EPROTO';
}

/** host:port the failed attempt went to, from the error itself or else from api_url. */
function whereOf(n: NetErrorLike, fallbackHost: string): string {
  const address = str(n.address) ?? str(n.socket?.remoteAddress);
  const port = n.port ?? n.socket?.remotePort;
  if (!address) return fallbackHost;
  if (port === undefined) return address;
  return address.includes(':') ? `[${address}]:${String(port)}` : `${address}:${String(port)}`;
}

function sentence(code: string, n: NetErrorLike, host: string): string {
  const where = whereOf(n, host);
  const message = str(n.message) ?? code;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${where} (ECONNREFUSED): nothing listens there; check api_url in config.yaml and that the server runs`;
    case 'ENOTFOUND':
      return `cannot resolve host ${str(n.hostname) ?? host} (ENOTFOUND): check the host name in api_url in config.yaml`;
    case 'EAI_AGAIN':
      return `cannot resolve host ${str(n.hostname) ?? host} right now (EAI_AGAIN): DNS did not answer; check the network`;
    case 'ECONNRESET':
      return `the connection to ${where} was reset (ECONNRESET)`;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `connecting to ${where} timed out (${code}): a firewall may drop the packets, or the host is down`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no route to ${where} (${code}): check the network and api_url`;
    case 'UND_ERR_SOCKET':
      return `the connection to ${where} closed unexpectedly (UND_ERR_SOCKET)`;
  }
  if (code in TLS_WORDS) return `TLS certificate problem with ${host}: ${TLS_WORDS[code]} (${code}); ${TLS_ADVICE}`;
  if (isTls(code)) return `TLS handshake with ${host} failed: ${message} (${code}); check that api_url uses https only for a server that speaks TLS`;
  return `${message} (${code})`;
}

/**
 * What went wrong on the network, in plain words with the host, e.g. "connection refused by
 * 127.0.0.1:8080 (ECONNREFUSED): …"; undefined when no error in the chain carries a code.
 * `host` (from api_url) names the server when the low-level error does not.
 */
export function describeConnectionFailure(err: unknown, host: string): string | undefined {
  const coded = [...chainOf(err)].filter((n) => isNetworkCode(str(n.code)));
  const code = str(coded[0]?.code);
  if (!code) return undefined;
  // An AggregateError carries the code of its attempts but not their addresses.
  const detailed = coded.find((n) => n.code === code && (n.address || n.hostname || n.socket)) ?? coded[0];
  return sentence(code, detailed, host);
}
