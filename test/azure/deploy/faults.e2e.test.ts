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

test('a fault that outlasts the retry budget is a clear error without a hub field, and deploy resumes later', async () => {
  const c = h.emu.control;
  c.addFault({ kind: '503', method: 'PUT', path: '/localNetworkGateways/', count: 4 });
  const x = hub('budget-rg');
  const e = await h.deploy(x).then(() => undefined, (err: unknown) => err);
  expect(e).toMatchObject({ code: 'AzureRequestFailed', details: { statusCode: 503 } });
  expect((e as { details: { field?: string } }).details.field).toBeUndefined();
  expect((e as Error).message).toMatch(/create or update local network gateway ra-hybrid-vpn-lgw failed/);
  expect(c.listFaults()[0].fired).toBe(4);
  const report = await h.deploy(x);
  expect(report.changes.find((ch) => ch.resource.key === 'localNetworkGateway:ra-hybrid-vpn-lgw')!.action).toBe('create');
  expect(await h.api.getConnection('budget-rg', 'ra-hybrid-vpn-cn')).toMatchObject({ provisioningState: 'Succeeded' });
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
  expect(h.events.filter((e) => e.type === 'state' && e.id === 'vpnGateway:ra-hybrid-vpn-vgw' && e.state === 'waiting: another operation is in progress')).toHaveLength(2);
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
