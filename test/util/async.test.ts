import { mapLimit } from '../../src/util/async';

/** A task whose calls the test resolves by hand, recording how many run at once. */
function gate() {
  let inFlight = 0;
  let most = 0;
  const started: number[] = [];
  const release = new Map<number, () => void>();
  const task = (item: number) =>
    new Promise<number>((resolve) => {
      inFlight++;
      most = Math.max(most, inFlight);
      started.push(item);
      release.set(item, () => {
        inFlight--;
        resolve(item * 10);
      });
    });
  return { task, started, release, most: () => most };
}

const tick = () => new Promise((r) => setImmediate(r));

test('never more than the limit in flight, a new call as soon as one ends, results in input order', async () => {
  const g = gate();
  const run = mapLimit([1, 2, 3, 4, 5], 2, g.task);
  await tick();
  expect(g.started).toEqual([1, 2]);
  g.release.get(2)!();
  await tick();
  expect(g.started).toEqual([1, 2, 3]);
  for (const i of [1, 3]) g.release.get(i)!();
  await tick();
  expect(g.started).toEqual([1, 2, 3, 4, 5]);
  for (const i of [5, 4]) g.release.get(i)!();
  expect(await run).toEqual([10, 20, 30, 40, 50]);
  expect(g.most()).toBe(2);
});

test('a limit below one still runs one at a time; no items, no calls', async () => {
  const order: number[] = [];
  const out = await mapLimit([3, 1, 2], 0, async (x, i) => {
    order.push(i);
    return x + i;
  });
  expect(out).toEqual([3, 2, 4]);
  expect(order).toEqual([0, 1, 2]);
  expect(await mapLimit([], 4, async () => 1)).toEqual([]);
});

test('rejects with the first failure', async () => {
  await expect(mapLimit([1, 2, 3], 3, async (x) => {
    if (x === 2) throw new Error('two failed');
    return x;
  })).rejects.toThrow('two failed');
});

test('stopOnFailure: no item starts after a failure, the started ones finish, then the first failure is thrown', async () => {
  const g = gate();
  const finished: number[] = [];
  const task = async (item: number) => {
    if (item === 2) throw new Error('two failed');
    const v = await g.task(item);
    finished.push(item);
    return v;
  };
  let settled: unknown;
  const run = mapLimit([1, 2, 3, 4, 5], 2, task, { stopOnFailure: true }).then(
    () => (settled = 'resolved'),
    (e: Error) => (settled = e.message),
  );
  await tick();
  // 1 is under way; 2 failed at once; no third item was taken.
  expect(g.started).toEqual([1]);
  expect(settled).toBeUndefined();
  g.release.get(1)!();
  await run;
  expect(finished).toEqual([1]);
  expect(g.started).toEqual([1]);
  expect(settled).toBe('two failed');
});

test('without stopOnFailure, the first failure rejects at once', async () => {
  const g = gate();
  let settled: unknown;
  const run = mapLimit([1, 2], 2, async (item) => {
    if (item === 2) throw new Error('two failed');
    return g.task(item);
  }).catch((e: Error) => (settled = e.message));
  await tick();
  expect(settled).toBe('two failed');
  g.release.get(1)!();
  await run;
});
