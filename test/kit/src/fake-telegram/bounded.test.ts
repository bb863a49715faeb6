import { BoundedMap, pushBounded } from './bounded';

test('pushBounded keeps at most max entries, the newest, in the same array', () => {
  const list: number[] = [];
  for (let i = 0; i < 25; i++) pushBounded(list, i, 10);
  expect(list.length).toBeLessThanOrEqual(10);
  expect(list.at(-1)).toBe(24);
  expect(list).toEqual([...list].sort((a, b) => a - b));
});

test('BoundedMap forgets its oldest insertion beyond max; updating a key evicts nothing', () => {
  const map = new BoundedMap<string, number>(2);
  map.set('a', 1).set('b', 2).set('a', 3);
  expect([...map.entries()]).toEqual([
    ['a', 3],
    ['b', 2],
  ]);
  map.set('c', 4);
  expect([...map.keys()]).toEqual(['b', 'c']);
});
