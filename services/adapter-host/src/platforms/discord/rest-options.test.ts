import { nonceFor, rejectLongRateLimits, restRoot } from './rest-options';

it('takes the REST root with or without the API version discord.js adds itself', () => {
  expect(restRoot('https://discord.com/api')).toBe('https://discord.com/api');
  expect(restRoot('https://discord.com/api/v10')).toBe('https://discord.com/api');
  expect(restRoot('https://discord.com/api/v9/')).toBe('https://discord.com/api');
  expect(restRoot('http://127.0.0.1:5000/api//')).toBe('http://127.0.0.1:5000/api');
});

it('derives a nonce of at most 25 characters that is stable per key and differs between keys sharing a prefix', () => {
  const entry = '0190a2b4-7c1d-7e2f-8a3b-4c5d6e7f8a9b';
  expect(nonceFor(`${entry}:0`)).toBe(nonceFor(`${entry}:0`));
  expect(nonceFor(`${entry}:0`)).not.toBe(nonceFor(`${entry}:1`));
  for (const key of ['1:0', `${entry}:12`, 'x'.repeat(500)]) expect(nonceFor(key).length).toBeLessThanOrEqual(25);
});

it('rejects only rate limits longer than the bound', () => {
  const reject = rejectLongRateLimits(5000);
  expect(reject({ retryAfter: 1050, timeToReset: 1050 })).toBe(false);
  expect(reject({ retryAfter: 60_050, timeToReset: 0 })).toBe(true);
  expect(reject({ retryAfter: 0, timeToReset: 30_000 })).toBe(true);
});
