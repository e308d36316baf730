/**
 * `rotate-key apply --all` (the CLI in-process, the real SDK) against the emulator with throttling on:
 * its per-subscription token bucket, plus 429s that outlast the SDK's 4 attempts. One run finishes every
 * site; no request comes back before the Retry-After of its 429; the fleet sends fewer sites at once.
 */
import type { RequestLogEntry } from '../../src/emulator/types';
import { readKeyJournal } from '../../src/io/keyJournal';
import { runCli } from '../support/cli';
import { DEPLOYED_HUB_ID as HUB_ID, DEPLOYED_HUB_YAML as HUB_YAML, DEPLOYED_RG as RG, deployHub, type DeployedHub } from '../support/emulator';

const SITES = ['s1', 's2', 's3', 's4', 's5', 's6'];
const YAML = `${HUB_YAML.split('sites:')[0]}sites:\n${SITES.map(
  (n, i) => `  - name: ${n}\n    device: ${i % 2 ? 'cisco-ios' : 'strongswan'}\n    publicIp: 40.60.0.${10 + i}\n    addressSpace: [172.${20 + i}.0.0/16]\n`,
).join('')}`;

/** Injected 429s, each rule answering more often than the SDK's 4 attempts can ride out. */
const FAULTS = [
  // The set-key itself, with retry-after-ms: 4 refusals exhaust the SDK, the fifth the runner's retry meets.
  { kind: '429-retry-after-ms' as const, method: 'PUT', path: 'connections/cn-s2/sharedkey$', count: 5, retryAfterMs: 200 },
  // A key read, twice past the SDK's attempts.
  { kind: '429-retry-after-ms' as const, method: 'GET', path: 'connections/cn-s4/sharedkey$', count: 8, retryAfterMs: 150 },
  // The connection read, with Retry-After in seconds.
  { kind: '429-retry-after' as const, method: 'GET', path: 'connections/cn-s5$', count: 4, retryAfterSeconds: 1 },
];
/** The bucket: Retry-After is ceil(missing token / refill) s, at least 1 s: always 1 s at this refill. */
const BUCKET = { capacity: 12, refillPerSecond: 20 };

/** The Retry-After (ms) the emulator sent with a 429 of the log. */
function retryAfterMs(e: RequestLogEntry): number {
  if (e.fault === 'throttled' || e.fault === '429-retry-after') return 1000;
  const rule = FAULTS.find((f) => f.kind === e.fault && new RegExp(f.path, 'i').test(e.path) && new RegExp(f.method).test(e.method));
  if (!rule || rule.retryAfterMs === undefined) throw new Error(`unknown 429: ${e.method} ${e.path}`);
  return rule.retryAfterMs;
}

const connectionOf = (p: string) => /\/connections\/(cn-[^/]+)/i.exec(p)?.[1];

let h: DeployedHub;
beforeAll(async () => {
  h = await deployHub(YAML);
});
afterAll(async () => {
  await h.close();
});

it('apply --all finishes a throttled fleet in one run, never early, with fewer sites at once after a 429', async () => {
  const prepare = await runCli(['rotate-key', 'prepare', '--all', '--concurrency', '4'], { cwd: h.dir, env: h.env });
  expect(prepare.code).toBe(0);
  const pending = new Map<string, string>();
  for (const s of SITES) pending.set(s, (await readKeyJournal(h.journalDir, HUB_ID, `cn-${s}`))?.pending?.key as string);

  h.emu.control.setDurations({ setSharedKeyMs: 60, connectionMs: 30 });
  h.emu.control.clearRequestLog();
  for (const f of FAULTS) h.emu.control.addFault(f);
  h.emu.control.setThrottling(BUCKET);
  const apply = await runCli(['rotate-key', 'apply', '--all', '--concurrency', '4', '--confirm-interval', '0.02', '--confirm-timeout', '30'], { cwd: h.dir, env: h.env });
  h.emu.control.setThrottling(null);
  const log = h.emu.control.requestLog().filter((e) => e.service === 'arm');

  // One run: every site applied, Azure holding the key prepare recorded.
  expect(apply.stderr.split('\n').filter((l) => /error/.test(l))).toEqual([]);
  expect(apply.code).toBe(0);
  expect(apply.stdout).toContain('6 of 6 site(s) done');
  for (const s of SITES) {
    const j = await readKeyJournal(h.journalDir, HUB_ID, `cn-${s}`);
    expect([s, (j as { rotation?: { state: string } }).rotation?.state]).toEqual([s, 'applied']);
    expect(j?.current.key).toBe(pending.get(s));
    expect(await h.api.getSharedKey(RG, `cn-${s}`)).toBe(pending.get(s));
  }
  // Exactly one accepted set-key per connection: a retried step never sent it twice.
  const puts = log.filter((e) => e.method === 'PUT' && /\/sharedkey$/i.test(e.path) && e.status >= 200 && e.status < 300);
  expect(puts.map((e) => connectionOf(e.path)).sort()).toEqual(SITES.map((s) => `cn-${s}`));

  // The SDK's retries were exhausted (4 refusals in a row of one request), and the runner took over.
  const s2Puts = log.filter((e) => e.method === 'PUT' && /cn-s2\/sharedkey$/i.test(e.path)).map((e) => e.status);
  expect(s2Puts.at(-1)).toBe(200);
  expect(s2Puts.slice(0, -1).every((st) => st === 429)).toBe(true);
  expect(s2Puts.length).toBeGreaterThanOrEqual(6);
  expect(apply.stderr).toMatch(/s2: azure: set key: throttled \(429\) past the SDK's retries; waiting 0\.2 s/);
  expect(apply.stderr).toMatch(/s4: azure: read key: throttled \(429\) past the SDK's retries/);
  expect(apply.stderr).toMatch(/s5: azure: read connection: throttled \(429\) past the SDK's retries; waiting 1\.0 s/);
  expect(log.filter((e) => e.fault === 'throttled').length).toBeGreaterThan(0);

  // No request before its Retry-After: neither the same request, nor any request of that site.
  const sorted = [...log].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  const early: string[] = [];
  sorted.forEach((e, i) => {
    if (e.status !== 429) return;
    const wait = retryAfterMs(e);
    const cn = connectionOf(e.path);
    const later = sorted.slice(i + 1);
    const same = later.find((x) => x.method === e.method && x.path === e.path);
    const sameSite = cn ? later.find((x) => connectionOf(x.path) === cn) : undefined;
    for (const next of [same, sameSite]) {
      const gap = next ? Date.parse(next.time) - Date.parse(e.time) : Infinity;
      if (gap < wait) early.push(`${next?.method} ${next?.path} ${gap} ms after a 429 of ${e.method} ${e.path} (Retry-After ${wait} ms)`);
    }
  });
  expect(early).toEqual([]);

  // The fleet halved its sites in flight at the first 429 the SDK gave up on.
  expect(apply.stderr).toMatch(/throttled \(429\) past the SDK's retries; waiting [\d.]+ s as Azure asked \(Retry-After\), then again; 2 site\(s\) at a time/);
  // Keys never in the output.
  for (const key of pending.values()) expect(`${apply.stdout}${apply.stderr}${prepare.stdout}${prepare.stderr}`).not.toContain(key);
});
