/**
 * Faults at a fixed rate on every request class (429 with Retry-After or retry-after-ms, 500, 503,
 * dropped connections, failed async operations), one seeded run per seed: deploy converges to the
 * planned state, every resource exists once, and the only writes are one per resource plus one per
 * operation the service failed. A second deploy under the same faults writes nothing. Every
 * request-level fault kind fired, counted over all the seeds: how many requests a deploy makes (its
 * polling) depends on the machine's load, so one seed alone may see no fault of some kind.
 */
import { planAzure } from '../../src/azure/deploy/plan';
import type { FaultRule } from '../../src/emulator';
import type { Hub } from '../../src/hub/types';
import { seedCircuit, startHarness, type Harness } from '../support/emulator';
import { demoHub, site, SUB } from '../support/hubs';
import { acceptedWrites, keysNotInJournal, listedResourceNames, pendingChanges, plannedResourceNames, writeAttempts } from './helpers';

/** Each fault kind fires on this share of the requests it matches (every method, every path). */
const RATE = 0.05;
const SEEDS = [1, 2, 3, 4, 5, 6];
/** Runs an operator would make before giving up (each run resumes where the last one stopped). */
const MAX_RUNS = 4;

/** The kinds that fire on any request, so on every deploy (failOperation fires only on an async operation). */
const REQUEST_FAULT_KINDS = ['429-retry-after', '429-retry-after-ms', '500', '503', 'reset'];
/** What fired during each seed's deploy runs, for the test that sums them. */
const firedBySeed = new Map<number, Record<string, number>>();

const FAULTS: FaultRule[] = [
  { kind: '429-retry-after', retryAfterSeconds: 0 },
  { kind: '429-retry-after-ms', retryAfterMs: 15 },
  { kind: '500' },
  { kind: '503' },
  { kind: 'reset' },
  { kind: 'failOperation', code: 'InternalServerError', message: 'An error occurred (injected).' },
];

function hubFor(h: Harness, seed: number): Hub {
  const rg = `faults-${seed}-rg`;
  const branch = site({
    name: 'branch',
    device: 'strongswan',
    publicIp: '40.50.60.71',
    addressSpace: ['172.16.0.0/16'],
    bgp: { asn: 65020, peerIp: '172.16.255.1' },
    localNetworkGatewayName: 'lng-branch',
    connectionName: 'cn-branch',
  });
  const hub = demoHub({ rg, activeActive: seed % 2 === 0, sites: [site(), branch] });
  hub.azure.expressRoute!.circuitId = seedCircuit(h, `${rg}-provider`);
  return hub;
}

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ retry: { maxRetries: 3, retryDelayInMs: 5, maxRetryDelayInMs: 20 } });
});
afterEach(async () => {
  await h.close();
});

test.each(SEEDS)(`faults at rate ${RATE} on every request class, seed %i: deploy converges with no duplicate and no needless write`, async (seed) => {
  const hub = hubFor(h, seed);
  const plan = planAzure(hub, SUB);
  const rg = hub.azure.resourceGroup;
  h.emu.control.clearRequestLog();
  FAULTS.forEach((f, i) => h.emu.control.addFault({ ...f, rate: RATE, seed: seed * 100 + i }));

  const failures: string[] = [];
  let converged = false;
  for (let run = 0; run < MAX_RUNS && !converged; run++) {
    try {
      const report = await h.deploy(hub);
      expect(report.waiting).toEqual([]);
      converged = true;
    } catch (e) {
      // Only a fault outlasting the retry budget may stop a run; it names what failed.
      expect(e).toMatchObject({ code: expect.stringMatching(/^(AzureRequestFailed|OperationFailed)$/) });
      failures.push((e as Error).message.split('\n')[0]);
    }
  }
  const fired = h.emu.control.counts().faults;
  firedBySeed.set(seed, fired);
  expect(converged).toBe(true);
  // The faults really fired on this seed's runs (each kind: summed over the seeds, below).
  expect(REQUEST_FAULT_KINDS.reduce((n, kind) => n + (fired[kind] ?? 0), 0)).toBeGreaterThan(0);

  // Converged: the planned state, every resource once, nothing else in the group.
  h.emu.control.clearFaults();
  expect(await pendingChanges(h.api, plan)).toEqual([]);
  expect(await listedResourceNames(h.api, rg)).toEqual(plannedResourceNames(plan));
  expect(await keysNotInJournal(h.api, rg, h.journalDir, plan.hubId, hub.sites.map((s) => s.connectionName))).toEqual([]);

  // No needless write: one accepted write per planned resource, plus one per operation the service failed.
  const log = h.emu.control.requestLog();
  const counts = h.emu.control.counts();
  expect(acceptedWrites(log)).toHaveLength(plan.resources.length + counts.operationsFailed);
  expect(counts.operationsFailed).toBe(fired.failOperation ?? 0);

  // Under the same faults, a second deploy writes nothing.
  FAULTS.forEach((f, i) => h.emu.control.addFault({ ...f, rate: RATE, seed: seed * 100 + 50 + i }));
  h.emu.control.clearRequestLog();
  await h.deploy(hub).catch((e: unknown) => {
    // A read may exhaust its retries; that is a clear error and still no write.
    expect(e).toMatchObject({ code: 'AzureRequestFailed' });
  });
  expect(writeAttempts(h.emu.control.requestLog())).toEqual([]);
});

test('the faults really fired, of every kind that can fire on a deploy, over the seeds above', () => {
  expect([...firedBySeed.keys()]).toEqual(SEEDS);
  const total = (kind: string) => [...firedBySeed.values()].reduce((n, fired) => n + (fired[kind] ?? 0), 0);
  expect(REQUEST_FAULT_KINDS.filter((kind) => total(kind) === 0)).toEqual([]);
});
