/** Faults the SDK's retry policy (and deploy's own retry of failed operations) must survive. */
import { seedCircuit, startHarness, type Harness } from '../../support/emulator';
import { demoHub } from '../../support/hubs';
import type { Hub } from '../../../src/hub/types';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ retry: { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 50 } });
});
afterEach(async () => {
  await h.close();
});

function hub(rg: string): Hub {
  const x = demoHub({ rg });
  x.azure.expressRoute!.circuitId = seedCircuit(h, `${rg}-provider`);
  return x;
}

test('429 (Retry-After and retry-after-ms), 500, 503, dropped connections and a failed operation: deploy completes', async () => {
  const c = h.emu.control;
  c.addFault({ kind: '429-retry-after', method: 'PUT', path: '/virtualNetworks/', count: 1, retryAfterSeconds: 0 });
  c.addFault({ kind: '429-retry-after-ms', method: 'GET', path: '/operations/', count: 2, retryAfterMs: 30 });
  c.addFault({ kind: '500', method: 'PUT', path: '/publicIPAddresses/', count: 2 });
  c.addFault({ kind: '503', method: 'GET', path: '/localNetworkGateways/', count: 1 });
  c.addFault({ kind: 'reset', method: 'PUT', path: '/connections/', count: 1 });
  c.addFault({ kind: 'reset', method: 'GET', path: '/virtualNetworkGateways/', count: 1 });
  c.addFault({ kind: 'failOperation', method: 'PUT', path: '/virtualNetworkGateways/ra-hybrid-vpn-vgw$', count: 1, code: 'InternalServerError', message: 'An error occurred.' });
  const x = hub('faults-rg');
  const report = await h.deploy(x);
  expect(report.waiting).toEqual([]);
  expect(c.counts().faults).toEqual({ '429-retry-after': 1, '429-retry-after-ms': 2, '500': 2, '503': 1, reset: 2, failOperation: 1 });
  expect(c.listFaults().every((f) => f.fired === (f.count ?? 1))).toBe(true);
  expect(h.events).toContainEqual(expect.objectContaining({ type: 'state', id: 'vpnGateway:ra-hybrid-vpn-vgw', state: 'operation failed in Azure (InternalServerError); retrying' }));
  // Everything is in place: the next run writes nothing.
  c.clearRequestLog();
  await h.deploy(x);
  expect(h.writes()).toEqual([]);
});

test('429s and server errors past the SDK\'s retries are waited out (paced with the whole run): deploy completes', async () => {
  const c = h.emu.control;
  // The SDK tries four times; these outlast it.
  c.addFault({ kind: '429-retry-after', method: 'PUT', path: '/virtualNetworkGateways/ra-hybrid-vpn-vgw$', count: 6, retryAfterSeconds: 0 });
  c.addFault({ kind: '503', method: 'PUT', path: '/localNetworkGateways/', count: 6 });
  c.addFault({ kind: '500', method: 'GET', path: '/connections/ra-hybrid-vpn-cn$', count: 5 });
  const x = hub('past-sdk-rg');
  const report = await h.deploy(x);
  expect(report.waiting).toEqual([]);
  expect(c.counts().faults).toEqual({ '429-retry-after': 6, '503': 6, '500': 5 });
  const notes = h.events.filter((e) => e.type === 'note').map((e) => (e as { message: string }).message);
  expect(notes).toContainEqual(expect.stringMatching(/^PUT virtualNetworkGateways\/ra-hybrid-vpn-vgw: Azure throttled the subscription \(429\) past the SDK's retries; every request waits 0\.0 s as Azure asked \(Retry-After\), then goes on$/));
  expect(notes).toContainEqual(expect.stringMatching(/^PUT localNetworkGateways\/ra-hybrid-vpn-lgw: Azure answered with a server error past the SDK's retries; waiting \d\.\d s, then sending it again$/));
  expect(await h.api.getConnection('past-sdk-rg', 'ra-hybrid-vpn-cn')).toMatchObject({ provisioningState: 'Succeeded' });
});

test('server errors that outlast the wait for them are a clear error without a hub field, and deploy resumes later', async () => {
  const c = h.emu.control;
  c.addFault({ kind: '503', method: 'PUT', path: '/localNetworkGateways/', rate: 1 });
  const x = hub('budget-rg');
  const e = await h.deploy(x, { transientTimeoutMs: 1500 }).then(() => undefined, (err: unknown) => err);
  expect(e).toMatchObject({ code: 'AzureUnavailable', exitCode: 4, details: { statusCode: 503 } });
  expect((e as { details: { field?: string } }).details.field).toBeUndefined();
  expect((e as Error).message).toMatch(/^PUT localNetworkGateways\/ra-hybrid-vpn-lgw: Azure kept failing \(server errors\) for \d+ s, past the SDK's retries$/);
  c.clearFaults();
  const report = await h.deploy(x);
  expect(report.changes.find((ch) => ch.resource.key === 'localNetworkGateway:ra-hybrid-vpn-lgw')!.action).toBe('create');
  expect(await h.api.getConnection('budget-rg', 'ra-hybrid-vpn-cn')).toMatchObject({ provisioningState: 'Succeeded' });
});

test('a throttling burst on a long deploy (the subscription\'s token bucket, no SDK retries left) never ends it', async () => {
  // Without SDK retries every 429 reaches deploy's own pacing.
  await h.close();
  h = await startHarness({ retry: { maxRetries: 0 } });
  const x = hub('burst-rg');
  // Polls as Azure paces them (Retry-After 1 s), so the bucket refills faster than a quiet run spends it.
  h.emu.control.setRetryAfter(1);
  h.emu.control.setThrottling({ capacity: 5, refillPerSecond: 5 });
  try {
    // Busy resources read every half second (Azure's pace is 10 s), not the harness's 10 ms.
    const report = await h.deploy(x, { busyPollMs: 500 });
    expect(report.waiting).toEqual([]);
  } finally {
    h.emu.control.setThrottling(null);
  }
  expect(h.emu.control.counts().throttled).toBeGreaterThan(0);
  expect(h.events.some((e) => e.type === 'note' && /throttled the subscription \(429\) past the SDK's retries/.test(e.message))).toBe(true);
  expect(await h.api.getConnection('burst-rg', 'ra-hybrid-er-cn')).toMatchObject({ provisioningState: 'Succeeded' });
});

test('throttling per subscription (token bucket answering 429 with Retry-After) is survived', async () => {
  const x = hub('throttle-rg');
  await h.deploy(x);
  // A burst of parallel reads hits the bucket; the throttled ones wait Retry-After (1 s) and go through.
  h.emu.control.setThrottling({ capacity: 3, refillPerSecond: 50 });
  h.emu.control.clearRequestLog();
  const report = await h.deploy(x);
  expect(h.emu.control.counts().throttled).toBeGreaterThan(0);
  expect(report.changes.every((ch) => ch.action === 'noop')).toBe(true);
  expect(h.writes()).toEqual([]);
  h.emu.control.setThrottling(null);
});

test('409 AnotherOperationInProgress on a gateway write and on a delete is waited out and retried', async () => {
  const c = h.emu.control;
  c.addFault({ kind: '409-another-operation', method: 'PUT', path: '/virtualNetworkGateways/ra-hybrid-vpn-vgw$', count: 2 });
  const x = hub('conflict-rg');
  const report = await h.deploy(x);
  expect(report.waiting).toEqual([]);
  expect(c.counts().faults).toEqual({ '409-another-operation': 2 });
  // (While the ExpressRoute gateway is being built, the refusal reads as Azure building them one at a time.)
  expect(h.events.filter((e) => e.type === 'state' && e.id === 'vpnGateway:ra-hybrid-vpn-vgw' && /^(waiting: another operation is in progress|Azure builds these one at a time here: waiting for ExpressRoute gateway ra-hybrid-er-vgw)$/.test(e.state))).toHaveLength(2);
  expect(await h.api.getGateway('conflict-rg', 'ra-hybrid-vpn-vgw')).toMatchObject({ provisioningState: 'Succeeded' });

  const { readDestroyPlan, runDestroy } = await import('../../../src/azure/deploy/destroy');
  c.addFault({ kind: '409-another-operation', method: 'DELETE', path: '/connections/ra-hybrid-vpn-cn$', count: 1 });
  const plan = (await readDestroyPlan(h.api, 'conflict-rg/ra-hybrid-vpn-er-vnet', 'conflict-rg'))!;
  const destroyed = await runDestroy(plan, { api: h.api, busyPollMs: 10 });
  expect(c.counts().faults['409-another-operation']).toBe(3);
  expect(destroyed.deleted).toContain('connection ra-hybrid-vpn-cn');
  // The group tunnelsmith created is proven empty by the resource-group listing, then deleted.
  expect(destroyed.resourceGroupDeleted).toBe(true);
  expect(await h.api.getResourceGroup('conflict-rg')).toBeUndefined();
});
