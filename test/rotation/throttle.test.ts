/**
 * The rotation runner under Azure throttling: 429s that outlasted the SDK's retries are waited out
 * (at least their Retry-After) and the step run again, idempotently; a bounded total wait; the fleet
 * pausing and sending fewer sites at once.
 */
import { AzureError } from '../../src/errors';
import { runForSites } from '../../src/rotation/fleet';
import { FleetPacing } from '../../src/azure/client/pacing';
import type { RotationSite } from '../../src/rotation/run';
import { runRotation } from '../../src/rotation/run';
import { FakeAzure, makeDeps, MemoryStore, SITE, type FakeCall } from './helpers/fakes';

const OLD = 'OldKeyFromDeploy0000000000000000';

/** One site on a virtual clock: sleeping moves it, so every wait is exact and the test instant. */
function virtualSite(timeoutMs = 60_000) {
  const clock = { now: 1_000_000 };
  const store = new MemoryStore();
  const azure = new FakeAzure(() => clock.now);
  azure.keys.set(SITE.connection, OLD);
  const sleep = async (ms: number) => {
    clock.now += ms;
  };
  const pacing = new FleetPacing({ maxInFlight: 1, now: () => clock.now, sleep });
  const deps = makeDeps(store, azure, { now: () => new Date(clock.now), sleep, confirm: { timeoutMs, intervalMs: 500 }, pacing });
  return { clock, store, azure, deps, pacing };
}

/** Calls sent sooner than the Retry-After of a 429 answered before them (any site, any request). */
function earlyCalls(calls: readonly FakeCall[]): string[] {
  const early: string[] = [];
  calls.forEach((c, i) => {
    const wait = c.throttled?.retryAfterMs;
    if (wait === undefined) return;
    for (const later of calls.slice(i + 1)) {
      if (later.at < c.at + wait) early.push(`${later.op} ${later.connection} ${c.at + wait - later.at} ms early`);
    }
  });
  return early;
}

describe('rotate-key apply under throttling (one site)', () => {
  it('a set-key refused with 429: waits the Retry-After, reads back, sets the same key once, confirms', async () => {
    const { azure, store, deps } = virtualSite();
    await runRotation('prepare', SITE, deps);
    const pending = store.peek(SITE.connection)?.pending?.key as string;
    azure.calls.length = 0;
    azure.throttles = [{ op: 'setSharedKey', times: 2, retryAfterMs: 1500 }];
    const done = await runRotation('apply', SITE, deps);
    expect(done.state).toBe('applied');
    expect(azure.keys.get(SITE.connection)).toBe(pending);
    expect(azure.sets).toBe(1);
    // After each 429: the settle and key reads, then the set again (never the set straight away).
    expect(azure.calls.map((c) => `${c.op}${c.throttled ? ' 429' : ''}`)).toEqual([
      'getConnection',
      'getSharedKey',
      'setSharedKey 429',
      'getConnection',
      'getSharedKey',
      'setSharedKey 429',
      'getConnection',
      'getSharedKey',
      'setSharedKey',
      'getConnection',
      'getConnection',
      'getSharedKey',
    ]);
    expect(earlyCalls(azure.calls)).toEqual([]);
    const throttledAt = azure.calls.filter((c) => c.throttled).map((c) => c.at);
    expect(azure.calls[3]!.at - throttledAt[0]!).toBe(1500);
  });

  it('a set-key Azure accepted whose poll was throttled: read back, confirmed, never sent twice', async () => {
    const { azure, store, deps } = virtualSite();
    await runRotation('prepare', SITE, deps);
    azure.updatingReads = 2;
    azure.throttles = [{ op: 'setSharedKey', times: 1, retryAfterMs: 1000, landed: true }];
    const done = await runRotation('apply', SITE, deps);
    expect(done.state).toBe('applied');
    expect(azure.sets).toBe(1);
    expect(azure.calls.filter((c) => c.op === 'setSharedKey')).toHaveLength(1);
    expect(azure.keys.get(SITE.connection)).toBe(store.peek(SITE.connection)?.current?.key);
    expect(earlyCalls(azure.calls)).toEqual([]);
  });

  it('throttled reads (settle, key, confirm) are waited out, each at least its Retry-After', async () => {
    const { azure, deps } = virtualSite();
    await runRotation('prepare', SITE, deps);
    azure.throttles = [
      { op: 'getConnection', times: 3, retryAfterMs: 700 },
      { op: 'getSharedKey', times: 2, retryAfterMs: 2000 },
    ];
    const done = await runRotation('apply', SITE, deps);
    expect(done.state).toBe('applied');
    expect(azure.calls.filter((c) => c.throttled)).toHaveLength(5);
    expect(earlyCalls(azure.calls)).toEqual([]);
    expect(azure.sets).toBe(1);
  });

  it('a 429 without Retry-After backs off 1, 2, 4 s', async () => {
    const { azure, deps } = virtualSite();
    await runRotation('prepare', SITE, deps);
    azure.calls.length = 0;
    azure.throttles = [{ op: 'getSharedKey', times: 3 }];
    await runRotation('apply', SITE, deps);
    const keyReads = azure.calls.filter((c) => c.op === 'getSharedKey').map((c) => c.at);
    expect(keyReads.slice(1, 4).map((t, i) => t - (keyReads[i] as number))).toEqual([1000, 2000, 4000]);
  });

  it('throttling past the confirm timeout: AzureThrottled (429) without a key, journal applying; a re-run finishes', async () => {
    const { azure, store, deps, clock } = virtualSite(5000);
    await runRotation('prepare', SITE, deps);
    const pending = store.peek(SITE.connection)?.pending?.key as string;
    azure.throttles = [{ op: 'setSharedKey', times: 1000, retryAfterMs: 2000 }];
    const start = clock.now;
    const failed = await runRotation('apply', SITE, deps).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(AzureError);
    const err = failed as AzureError;
    expect(err.code).toBe('AzureThrottled');
    expect(err.details.statusCode).toBe(429);
    expect(err.message).not.toContain(pending);
    expect(err.message).not.toContain(OLD);
    // Waited 2 s twice (4 s < 5 s); a third wait would pass the timeout: it stopped instead.
    expect(clock.now - start).toBe(4000);
    expect(store.peek(SITE.connection)?.state).toBe('applying');
    expect(store.peek(SITE.connection)?.current?.key).toBe(OLD);
    expect(azure.keys.get(SITE.connection)).toBe(OLD);
    azure.throttles = [];
    const again = await runRotation('apply', SITE, deps);
    expect(again.state).toBe('applied');
    expect(azure.keys.get(SITE.connection)).toBe(pending);
    expect(azure.sets).toBe(1);
  });

  it('rollback and status ride out throttling too', async () => {
    const { azure, deps } = virtualSite();
    await runRotation('prepare', SITE, deps);
    await runRotation('apply', SITE, deps);
    azure.throttles = [
      { op: 'setSharedKey', times: 1, retryAfterMs: 1000 },
      { op: 'getSharedKey', times: 1, retryAfterMs: 1000 },
    ];
    const rolled = await runRotation('rollback', SITE, deps);
    expect(rolled.state).toBe('rolled-back');
    expect(azure.keys.get(SITE.connection)).toBe(OLD);
    expect(azure.sets).toBe(2);
    azure.throttles = [{ op: 'getConnection', times: 2, retryAfterMs: 500 }];
    const st = await runRotation('status', SITE, deps);
    expect(st.azure).toBe('current');
    expect(st.connectionStatus).toBe('Connected');
    expect(earlyCalls(azure.calls)).toEqual([]);
  });
});

describe('fleet apply under throttling (real time, ms)', () => {
  it('pauses the whole fleet for the Retry-After and halves the sites in flight, then grows back', async () => {
    const store = new MemoryStore();
    const azure = new FakeAzure();
    const names = Array.from({ length: 10 }, (_, i) => `s${i}`);
    const siteOf = (name: string): RotationSite => ({ site: name, connection: `cn-${name}`, resourceGroup: 'rg' });
    for (const n of names) azure.keys.set(`cn-${n}`, `${OLD}-${n}`);
    const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
    // The CLI's deps: real clock, no pacing of its own (it uses the fleet's).
    const deps = makeDeps(store, azure, { now: () => new Date(), sleep, confirm: { timeoutMs: 20_000, intervalMs: 5 } });
    await runForSites(names, 4, (n) => runRotation('prepare', siteOf(n), deps));

    const seen: Array<{ at: number; calls: number; retryAfterMs: number }> = [];
    class WatchedPacing extends FleetPacing {
      override throttled(retryAfterMs: number) {
        seen.push({ at: Date.now(), calls: azure.calls.length, retryAfterMs });
        return super.throttled(retryAfterMs);
      }
    }
    const pacing = new WatchedPacing({ maxInFlight: 4 });
    let inFlight = 0;
    const starts: Array<{ throttlesBefore: number; inFlight: number; allowed: number }> = [];
    azure.calls.length = 0;
    azure.throttles = [
      { op: 'setSharedKey', connection: 'cn-s2', times: 2, retryAfterMs: 150 },
      { op: 'getSharedKey', connection: 'cn-s6', times: 1, retryAfterMs: 100 },
    ];
    const results = await runForSites(
      names,
      4,
      async (n) => {
        inFlight++;
        starts.push({ throttlesBefore: seen.length, inFlight, allowed: pacing.sitesAllowed });
        try {
          return await runRotation('apply', siteOf(n), deps);
        } finally {
          inFlight--;
        }
      },
      { pacing },
    );
    expect(results.map((r) => r.ok)).toEqual(names.map(() => true));
    expect(azure.sets).toBe(10);
    expect(seen.length).toBe(3);

    // No call of any site went out after the runner heard of a 429 and before its Retry-After passed.
    for (const t of seen) {
      const sooner = azure.calls.slice(t.calls).filter((c) => c.at < t.at + t.retryAfterMs - 1);
      expect(sooner).toEqual([]);
    }
    // The bound halved at the first 429 (4 -> 2), and no site started above the bound of its time.
    expect(pacing.changes[0]).toMatchObject({ from: 4, to: 2, reason: 'throttled' });
    expect(Math.max(...starts.filter((s) => s.throttlesBefore === 0).map((s) => s.inFlight))).toBe(4);
    for (const s of starts) expect(s.inFlight).toBeLessThanOrEqual(s.allowed);
    const afterFirst = starts.filter((s) => s.throttlesBefore > 0);
    expect(afterFirst.length).toBeGreaterThan(0);
    expect(Math.min(...afterFirst.map((s) => s.allowed))).toBeLessThan(4);
    // It grew back once sites ran without a 429.
    expect(pacing.changes.some((c) => c.reason === 'recovered')).toBe(true);
  });
});
