import { describeConnectionFailure } from './connection-failure';

// Shaped as the SDKs deliver them: APIConnectionError → (fetch's TypeError →) the node:net error.
const wrapped = (low: object) => Object.assign(new Error('Connection error.'), { cause: Object.assign(new TypeError('fetch failed'), { cause: low }) });
const netError = (code: string, fields: object = {}) => Object.assign(new Error(`${code} from node`), { code, ...fields });

test('names the address that refused the connection', () => {
  const err = wrapped(netError('ECONNREFUSED', { address: '127.0.0.1', port: 9 }));
  expect(describeConnectionFailure(err, 'api.example.com')).toMatch(/^connection refused by 127\.0\.0\.1:9 \(ECONNREFUSED\): /);
});

test('names the host name that does not resolve', () => {
  expect(describeConnectionFailure(wrapped(netError('ENOTFOUND', { hostname: 'api.example.invalid' })), 'x')).toMatch(/^cannot resolve host api\.example\.invalid \(ENOTFOUND\): /);
  expect(describeConnectionFailure(wrapped(netError('EAI_AGAIN', { hostname: 'api.example.com' })), 'x')).toMatch(/^cannot resolve host api\.example\.com right now \(EAI_AGAIN\)/);
});

test('takes the address from an attempt inside an AggregateError (IPv6 and IPv4 of one name)', () => {
  const both = Object.assign(new AggregateError([netError('ECONNREFUSED', { address: '::1', port: 8080 }), netError('ECONNREFUSED', { address: '127.0.0.1', port: 8080 })]), {
    code: 'ECONNREFUSED',
  });
  expect(describeConnectionFailure(wrapped(both), 'localhost:8080')).toMatch(/^connection refused by \[::1\]:8080 \(ECONNREFUSED\)/);
});

test('explains certificate problems in words, with what to do', () => {
  for (const [code, words] of [
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'not signed by a trusted authority'],
    ['CERT_HAS_EXPIRED', 'expired'],
  ]) {
    const text = describeConnectionFailure(wrapped(netError(code)), 'llm.internal:443');
    expect(text).toMatch(new RegExp(`^TLS certificate problem with llm\\.internal:443: .*${words}.* \\(${code}\\); .*NODE_EXTRA_CA_CERTS`));
  }
  expect(describeConnectionFailure(wrapped(netError('ERR_SSL_WRONG_VERSION_NUMBER')), 'h:80')).toMatch(/^TLS handshake with h:80 failed: .*\(ERR_SSL_WRONG_VERSION_NUMBER\); check that api_url uses https only/);
});

test('names the host from api_url when the error does not, and keeps unknown codes with their message', () => {
  expect(describeConnectionFailure(wrapped(netError('ECONNRESET')), 'api.example.com')).toBe('the connection to api.example.com was reset (ECONNRESET)');
  expect(describeConnectionFailure(wrapped(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET', socket: { remoteAddress: '10.0.0.2', remotePort: 443 } })), 'x')).toBe(
    'the connection to 10.0.0.2:443 closed unexpectedly (UND_ERR_SOCKET)',
  );
  expect(describeConnectionFailure(wrapped(netError('UND_ERR_INFO')), 'x')).toBe('UND_ERR_INFO from node (UND_ERR_INFO)');
});

test('says nothing when no error in the chain carries a network code', () => {
  expect(describeConnectionFailure(new Error('Connection error.'), 'x')).toBeUndefined();
  expect(describeConnectionFailure(Object.assign(new Error('bad key'), { code: 'invalid_api_key' }), 'x')).toBeUndefined();
  const loop: { cause?: unknown } = {};
  loop.cause = loop;
  expect(describeConnectionFailure(loop, 'x')).toBeUndefined();
});

test('reads the code from Node\'s message when an SDK rebuilt the error without it', () => {
  const rebuilt = (message: string) => wrapped(new Error(message));
  expect(describeConnectionFailure(rebuilt('connect ECONNREFUSED 127.0.0.1:8080'), 'x')).toMatch(/^connection refused by 127\.0\.0\.1:8080 \(ECONNREFUSED\)/);
  expect(describeConnectionFailure(rebuilt('getaddrinfo ENOTFOUND api.example.invalid'), 'x')).toMatch(/^cannot resolve host api\.example\.invalid \(ENOTFOUND\)/);
  expect(describeConnectionFailure(rebuilt('connect ECONNREFUSED'), 'h:1')).toMatch(/^connection refused by h:1 /);
});
