import { AzureError } from '../../../src/errors';
import { BUSY_POLL_MS, BUSY_TIMEOUT_MS, pollUntil, retryWhileBusy, sleepFor, stillInProgress, waitPolicy } from '../../../src/azure/deploy/waiting';

/** A policy on a fake clock: sleeping advances it and is recorded. */
function fakeClock(o: { busyPollMs?: number; busyTimeoutMs?: number } = {}) {
  const clock = { now: 0, slept: [] as number[] };
  const policy = waitPolicy({
    ...o,
    now: () => clock.now,
    sleep: async (ms) => {
      clock.slept.push(ms);
      clock.now += ms;
    },
  });
  return { clock, policy };
}

const busy = () => new AzureError('AzureRequestFailed', 'another operation is in progress', { statusCode: 409, azureCode: 'AnotherOperationInProgress' });

describe('waitPolicy', () => {
  test('one set of defaults: a poll every 10 s, give up after 2 h', () => {
    const p = waitPolicy();
    expect([p.pollMs, p.timeoutMs]).toEqual([BUSY_POLL_MS, BUSY_TIMEOUT_MS]);
    expect([BUSY_POLL_MS, BUSY_TIMEOUT_MS]).toEqual([10_000, 7_200_000]);
    expect(waitPolicy({ busyPollMs: 5, busyTimeoutMs: 50 })).toMatchObject({ pollMs: 5, timeoutMs: 50 });
  });

  test('sleep without an argument sleeps one poll interval', async () => {
    const { clock, policy } = fakeClock({ busyPollMs: 7 });
    await policy.sleep();
    await policy.sleep(3);
    expect(clock.slept).toEqual([7, 3]);
  });
});

describe('pollUntil', () => {
  test('reads until done, one interval between reads, telling each value', async () => {
    const { clock, policy } = fakeClock({ busyPollMs: 10 });
    const states = ['Updating', 'Updating', 'Succeeded'];
    const seen: string[] = [];
    const out = await pollUntil(policy, { read: async () => states.shift()!, done: (s) => s === 'Succeeded', onValue: (s) => seen.push(s), timedOut: () => 'never' });
    expect(out).toBe('Succeeded');
    expect(seen).toEqual(['Updating', 'Updating', 'Succeeded']);
    expect(clock.slept).toEqual([10, 10]);
  });

  test('a first value saves the first read; a value already done reads nothing', async () => {
    const { clock, policy } = fakeClock();
    let reads = 0;
    const out = await pollUntil(policy, { first: { value: 'ready' }, read: async () => `read ${++reads}`, done: (s) => s === 'ready', timedOut: (s) => s });
    expect([out, reads, clock.slept]).toEqual(['ready', 0, []]);
  });

  test('at the timeout: never sleeps past it, then throws or returns what timedOut gives', async () => {
    const { clock, policy } = fakeClock({ busyPollMs: 30, busyTimeoutMs: 70 });
    await expect(pollUntil(policy, { read: async () => 'Updating', done: () => false, timedOut: (s) => { throw stillInProgress(`still ${s}`, 'azure.vpnGateway', 'later'); } }))
      .rejects.toMatchObject({ code: 'OperationStillInProgress', message: 'still Updating', details: { field: 'azure.vpnGateway' } });
    expect(clock.slept).toEqual([30, 30, 10]);

    const other = fakeClock();
    const last = await pollUntil(other.policy, { read: async () => 'NotProvisioned', done: () => false, timeoutMs: 100, pollMs: 40, timedOut: (s) => `gave up: ${s}` });
    expect(last).toBe('gave up: NotProvisioned');
    expect(other.clock.slept).toEqual([40, 40, 20]);
  });

  test('an abort stops the wait', async () => {
    const controller = new AbortController();
    const policy = waitPolicy({ signal: controller.signal, busyPollMs: 60_000 });
    const waiting = pollUntil(policy, { read: async () => 'Updating', done: () => false, timedOut: (s) => s });
    setImmediate(() => controller.abort());
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('retryWhileBusy', () => {
  test('409 AnotherOperationInProgress is waited out and the attempt made again', async () => {
    const { clock, policy } = fakeClock({ busyPollMs: 5 });
    const told: string[] = [];
    let attempts = 0;
    const out = await retryWhileBusy(policy, async () => {
      if (++attempts < 3) throw busy();
      return 'written';
    }, { onBusy: () => told.push('busy'), onRetry: () => told.push('retry'), timedOut: () => new Error('timed out') });
    expect([out, attempts]).toEqual(['written', 3]);
    expect(told).toEqual(['busy', 'retry', 'busy', 'retry']);
    expect(clock.slept).toEqual([5, 5]);
  });

  test('waitOut replaces the sleep between attempts', async () => {
    const { clock, policy } = fakeClock();
    let attempts = 0;
    let waits = 0;
    await retryWhileBusy(policy, async () => {
      if (++attempts === 1) throw busy();
    }, { waitOut: async () => void waits++, timedOut: () => new Error('timed out') });
    expect([attempts, waits, clock.slept]).toEqual([2, 1, []]);
  });

  test('gives up once Azure stayed busy past the timeout', async () => {
    const { policy } = fakeClock({ busyPollMs: 10, busyTimeoutMs: 25 });
    let attempts = 0;
    await expect(retryWhileBusy(policy, async () => {
      attempts++;
      throw busy();
    }, { timedOut: () => stillInProgress('kept busy', undefined, 'later') })).rejects.toMatchObject({ code: 'OperationStillInProgress', details: {} });
    expect(attempts).toBe(4);
  });

  test('any other failure is thrown as it is, unless onOtherFailure asks for another attempt', async () => {
    const { policy } = fakeClock();
    const refused = new AzureError('AzureRequestFailed', 'bad request', { statusCode: 400 });
    await expect(retryWhileBusy(policy, async () => { throw refused; }, { timedOut: () => new Error('x') })).rejects.toBe(refused);

    let attempts = 0;
    const out = await retryWhileBusy(policy, async () => {
      if (++attempts === 1) throw refused;
      return attempts;
    }, { onOtherFailure: async () => undefined, timedOut: () => new Error('x') });
    expect(out).toBe(2);
    await expect(retryWhileBusy(policy, async () => { throw refused; }, { onOtherFailure: async (e) => { throw new Error(`mapped: ${(e as Error).message}`); }, timedOut: () => new Error('x') }))
      .rejects.toThrow('mapped: bad request');
  });
});

test('sleepFor rejects with an AbortError when aborted, before or during the sleep', async () => {
  const before = new AbortController();
  before.abort();
  await expect(sleepFor(10, before.signal)).rejects.toMatchObject({ name: 'AbortError' });
  const during = new AbortController();
  const sleeping = sleepFor(60_000, during.signal);
  during.abort();
  await expect(sleeping).rejects.toMatchObject({ name: 'AbortError' });
  await expect(sleepFor(1)).resolves.toBeUndefined();
});
