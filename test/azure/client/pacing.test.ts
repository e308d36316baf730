import { FleetPacing } from '../../../src/azure/client/pacing';

/** A pacing on a virtual clock: sleeping moves the clock, so waits are exact and instant. */
function virtual(maxInFlight: number) {
  const clock = { now: 0, slept: [] as number[] };
  const pacing = new FleetPacing({
    maxInFlight,
    now: () => clock.now,
    sleep: async (ms) => {
      clock.slept.push(ms);
      clock.now += ms;
    },
  });
  return { pacing, clock };
}

describe('fleet pacing', () => {
  it('a 429 pauses the fleet for its Retry-After and halves the sites in flight, once per pause', async () => {
    const { pacing, clock } = virtual(10);
    clock.now = 1000;
    expect(pacing.throttled(1500)).toEqual({ waitMs: 1500, sitesInFlight: 5 });
    // More 429s of the same overload (within the pause) push the pause but do not halve again.
    clock.now = 1200;
    expect(pacing.throttled(2000)).toEqual({ waitMs: 2000, sitesInFlight: 5 });
    expect(pacing.resumeAt).toBe(3200);
    // A shorter Retry-After never shortens the pause another site was given.
    expect(pacing.throttled(100)).toEqual({ waitMs: 2000, sitesInFlight: 5 });
    await pacing.ready();
    expect(clock.now).toBe(3200);
    // After the pause, a new 429 halves again, down to one site, never zero.
    expect(pacing.throttled(1000).sitesInFlight).toBe(2);
    clock.now += 1000;
    expect(pacing.throttled(1000).sitesInFlight).toBe(1);
    clock.now += 1000;
    expect(pacing.throttled(1000).sitesInFlight).toBe(1);
    expect(pacing.changes.map((c) => [c.from, c.to, c.reason])).toEqual([
      [10, 5, 'throttled'],
      [5, 2, 'throttled'],
      [2, 1, 'throttled'],
    ]);
    expect(pacing.throttles).toBe(6);
  });

  it('grows back by one site each time as many sites as the bound ran under it without a 429, up to the maximum', async () => {
    const { pacing, clock } = virtual(4);
    pacing.throttled(500); // 4 -> 2
    clock.now = 600;
    const finish = async (n: number) => {
      for (let i = 0; i < n; i++) pacing.release(await pacing.acquire());
    };
    await finish(1);
    expect(pacing.sitesAllowed).toBe(2);
    await finish(1);
    expect(pacing.sitesAllowed).toBe(3);
    await finish(2);
    expect(pacing.sitesAllowed).toBe(3);
    await finish(1);
    expect(pacing.sitesAllowed).toBe(4);
    await finish(20);
    expect(pacing.sitesAllowed).toBe(4);
    // A 429 resets the count: growth starts over from the halved bound.
    pacing.throttled(0);
    expect(pacing.sitesAllowed).toBe(2);
    expect(pacing.changes.map((c) => c.to)).toEqual([2, 3, 4, 2]);
  });

  it('hands out slots only below the bound and after the pause; a released slot wakes the waiting site', async () => {
    const { pacing, clock } = virtual(3);
    const held = [await pacing.acquire(), await pacing.acquire(), await pacing.acquire()];
    expect(pacing.sitesInFlight).toBe(3);
    pacing.throttled(2000); // bound 1, pause until 2000
    let fourth = false;
    const waiting = pacing.acquire().then(() => {
      fourth = true;
    });
    await new Promise((r) => setImmediate(r));
    // The pause passed (virtual clock), but three sites still hold slots against a bound of one.
    expect(clock.now).toBe(2000);
    expect(fourth).toBe(false);
    pacing.release(held[0]!);
    pacing.release(held[1]!);
    await new Promise((r) => setImmediate(r));
    expect(fourth).toBe(false);
    pacing.release(held[2]!);
    await waiting;
    expect(fourth).toBe(true);
    expect(pacing.sitesInFlight).toBe(1);
    // The three sites lived through the 429: their ends do not grow the bound back.
    expect(pacing.sitesAllowed).toBe(1);
  });
});
