import { retryDelayMs } from './retry-delay';

const policy = { baseMs: 1_000, maxMs: 60_000 };
const middle = () => 0.5;

test('doubles from the base per failure and stops at the maximum', () => {
  expect([1, 2, 3, 6, 7, 50].map((n) => retryDelayMs(n, policy, middle))).toEqual([1_000, 2_000, 4_000, 32_000, 60_000, 60_000]);
});

test('spreads delays by ±20% without passing the maximum', () => {
  expect(retryDelayMs(1, policy, () => 0)).toBe(800);
  expect(retryDelayMs(1, policy, () => 1)).toBe(1_200);
  expect(retryDelayMs(10, policy, () => 1)).toBe(60_000);
});
