import { isNestedDeeperThan } from './json-depth';

/** `depth` objects inside each other; built by a loop, as the values the check guards are. */
function nested(depth: number): unknown {
  let value: unknown = {};
  for (let i = 1; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

test('counts a flat object or list as one level, and scalars as none', () => {
  expect(isNestedDeeperThan({ a: 1, b: 'x' }, 1)).toBe(false);
  expect(isNestedDeeperThan([1, 2], 1)).toBe(false);
  expect(isNestedDeeperThan('text', 0)).toBe(false);
  expect(isNestedDeeperThan({ a: { b: 1 } }, 1)).toBe(true);
});

test('allows exactly the limit and refuses one level more, through objects and lists alike', () => {
  expect(isNestedDeeperThan(nested(64), 64)).toBe(false);
  expect(isNestedDeeperThan(nested(65), 64)).toBe(true);
});

test('measures the deepest branch, not the first', () => {
  expect(isNestedDeeperThan({ shallow: {}, deep: nested(10) }, 10)).toBe(true);
});

test('handles nesting far past what a recursive walk survives', () => {
  expect(isNestedDeeperThan(nested(200_000), 64)).toBe(true);
  expect(isNestedDeeperThan(nested(200_000), 200_000)).toBe(false);
});
