import { FrameBatch } from './frame-batch';

const nextLoopTurn = () => new Promise((resolve) => setImmediate(resolve));

function recorder(maxFrames?: number) {
  const sent: number[][] = [];
  return { sent, batch: new FrameBatch<number>((frames) => sent.push(frames), maxFrames) };
}

test('frames pushed in one turn of the event loop leave together, at its end', async () => {
  const { sent, batch } = recorder();
  batch.push(1);
  batch.push(2);
  await Promise.resolve();
  batch.push(3);
  expect(sent).toEqual([]);
  await nextLoopTurn();
  expect(sent).toEqual([[1, 2, 3]]);
});

test('frames of later turns leave in later batches, in order', async () => {
  const { sent, batch } = recorder();
  batch.push(1);
  await nextLoopTurn();
  batch.push(2);
  await nextLoopTurn();
  expect(sent).toEqual([[1], [2]]);
});

test('a full batch leaves at once, and the rest at the end of the turn', async () => {
  const { sent, batch } = recorder(3);
  for (let i = 1; i <= 7; i++) batch.push(i);
  expect(sent).toEqual([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  await nextLoopTurn();
  expect(sent).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
});

test('flush sends what is pending now and nothing twice', async () => {
  const { sent, batch } = recorder();
  batch.push(1);
  batch.flush();
  expect(sent).toEqual([[1]]);
  await nextLoopTurn();
  expect(sent).toEqual([[1]]);
});
