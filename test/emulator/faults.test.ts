/** Fault injection, throttling, the request log and counts; the real SDK's retry policy survives what it should. */
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { API, createVnet, FAST, LOCATION, netPath, networkClient, POLL, raw, resourcesClient, RG, SUB } from '../support/emulator';

let emu: RunningEmulator;

beforeEach(async () => {
  emu = await startEmulator({ durations: FAST });
  await resourcesClient(emu).resourceGroups.createOrUpdate(RG, { location: LOCATION });
  emu.control.clearRequestLog();
});
afterEach(async () => {
  await emu.stop();
});

const vnetBody = { location: LOCATION, addressSpace: { addressPrefixes: ['10.0.0.0/16'] } };

function attemptsOf(method: string, pathPart: string): number {
  return emu.control.requestLog().filter((r) => r.method === method && r.path.includes(pathPart)).length;
}

test.each([
  ['429-retry-after', { retryAfterSeconds: 0 }],
  ['429-retry-after-ms', { retryAfterMs: 5 }],
  ['500', {}],
  ['503', {}],
  ['reset', {}],
] as const)('a %s fault on a PUT is survived by the SDK retry policy', async (kind, extra) => {
  emu.control.addFault({ kind, method: 'PUT', path: '/virtualNetworks/', count: 2, ...extra });
  const vnet = await networkClient(emu).virtualNetworks.beginCreateOrUpdateAndWait(RG, 'vnet-f', vnetBody, POLL);
  expect(vnet.provisioningState).toBe('Succeeded');
  expect(attemptsOf('PUT', '/virtualNetworks/vnet-f')).toBe(3);
  const faults = emu.control.requestLog().filter((r) => r.fault === kind);
  expect(faults).toHaveLength(2);
  expect(faults[0].status).toBe(kind === 'reset' ? 0 : Number(kind.slice(0, 3)));
  expect(emu.control.counts().faults[kind]).toBe(2);
  expect(emu.control.listFaults()[0]).toMatchObject({ kind, matched: 2, fired: 2 });
});

test('a 429 fault on the polling URL is survived too', async () => {
  emu.control.addFault({ kind: '429-retry-after', method: 'GET', path: '/operations/', count: 1 });
  const vnet = await networkClient(emu).virtualNetworks.beginCreateOrUpdateAndWait(RG, 'vnet-p', vnetBody, POLL);
  expect(vnet.provisioningState).toBe('Succeeded');
  expect(emu.control.counts().faults['429-retry-after']).toBe(1);
});

test('more faults than the retry budget surface as the error', async () => {
  emu.control.addFault({ kind: '503', method: 'GET', path: '/virtualNetworks/', count: 10 });
  await expect(networkClient(emu).virtualNetworks.get(RG, 'anything')).rejects.toMatchObject({ statusCode: 503 });
  expect(attemptsOf('GET', '/virtualNetworks/anything')).toBe(4);
});

test('failOperation makes the long-running operation end Failed; the SDK does not retry it', async () => {
  emu.control.addFault({ kind: 'failOperation', method: 'PUT', path: '/virtualNetworks/', code: 'InternalServerError', message: 'boom' });
  const net = networkClient(emu);
  await expect(net.virtualNetworks.beginCreateOrUpdateAndWait(RG, 'vnet-x', vnetBody, POLL)).rejects.toThrow(/InternalServerError.*boom/);
  expect(attemptsOf('PUT', '/virtualNetworks/vnet-x')).toBe(1);
  expect((await net.virtualNetworks.get(RG, 'vnet-x')).provisioningState).toBe('Failed');
  expect(emu.control.counts().operationsFailed).toBe(1);
  // The rule fired once: the next PUT succeeds.
  expect((await net.virtualNetworks.beginCreateOrUpdateAndWait(RG, 'vnet-x', vnetBody, POLL)).provisioningState).toBe('Succeeded');
});

test('skip lets the first matching requests through', async () => {
  await networkClient(emu).virtualNetworks.beginCreateOrUpdateAndWait(RG, 'vnet-s', vnetBody, POLL);
  emu.control.addFault({ kind: '500', method: 'GET', path: '/virtualNetworks/vnet-s$', skip: 1, count: 1 });
  const first = await raw(emu, 'GET', `${netPath('virtualNetworks', 'vnet-s')}?${API}`);
  const second = await raw(emu, 'GET', `${netPath('virtualNetworks', 'vnet-s')}?${API}`);
  const third = await raw(emu, 'GET', `${netPath('virtualNetworks', 'vnet-s')}?${API}`);
  expect([first.status, second.status, third.status]).toEqual([200, 500, 200]);
});

test('rate faults draw from a seeded PRNG: the same seed fires on the same requests', async () => {
  async function pattern(seed: number): Promise<number[]> {
    emu.control.clearFaults();
    emu.control.addFault({ kind: '500', method: 'GET', path: '/resourcegroups/', rate: 0.5, seed });
    const out: number[] = [];
    for (let i = 0; i < 24; i++) out.push((await raw(emu, 'GET', `/subscriptions/${SUB}/resourcegroups/${RG}?api-version=2025-04-01`)).status);
    return out;
  }
  const a = await pattern(7);
  const b = await pattern(7);
  const c = await pattern(8);
  expect(a).toEqual(b);
  expect(a).not.toEqual(c);
  const failures = a.filter((s) => s === 500).length;
  expect(failures).toBeGreaterThan(3);
  expect(failures).toBeLessThan(21);
});

test('throttling: a token bucket per subscription answers 429 with Retry-After, the SDK waits and gets through', async () => {
  emu.control.setThrottling({ capacity: 2, refillPerSecond: 5 });
  const burst: number[] = [];
  for (let i = 0; i < 4; i++) burst.push((await raw(emu, 'GET', `/subscriptions/${SUB}/resourcegroups/${RG}?api-version=2025-04-01`)).status);
  expect(burst.slice(0, 2)).toEqual([200, 200]);
  expect(burst[2]).toBe(429);
  const throttled = await raw(emu, 'GET', `/subscriptions/${SUB}/resourcegroups/${RG}?api-version=2025-04-01`);
  expect(throttled.headers['retry-after']).toBe('1');
  expect(throttled.body.error.code).toBe('SubscriptionRequestsThrottled');
  // Another subscription has its own bucket.
  expect((await raw(emu, 'GET', `/subscriptions/other/resourcegroups?api-version=2025-04-01`)).status).toBe(200);
  const rg = await resourcesClient(emu).resourceGroups.get(RG);
  expect(rg.name).toBe(RG);
  expect(emu.control.counts().throttled).toBeGreaterThanOrEqual(3);
  emu.control.setThrottling(null);
  for (let i = 0; i < 5; i++) expect((await raw(emu, 'GET', `/subscriptions/${SUB}/resourcegroups/${RG}?api-version=2025-04-01`)).status).toBe(200);
});

test('the request log records method, path, status and time; counts group by kind; both clear', async () => {
  await createVnet(emu);
  const log = emu.control.requestLog();
  const put = log.find((r) => r.method === 'PUT' && r.path.endsWith('/virtualNetworks/vnet-hub'))!;
  expect(put).toMatchObject({ service: 'arm', status: 201 });
  expect(Date.parse(put.time)).not.toBeNaN();
  const counts = emu.control.counts();
  expect(counts.byKind['PUT virtualNetworks']).toBe(1);
  expect(counts.byKind['PUT resourceGroups']).toBe(1);
  expect(counts.byKind['GET operations']).toBeGreaterThanOrEqual(1);
  expect(counts.requests).toBe(log.length);
  expect(counts.operationsStarted).toBe(1);
  emu.control.clearRequestLog();
  expect(emu.control.requestLog()).toEqual([]);
  expect(emu.control.counts()).toMatchObject({ requests: 0, byKind: {}, operationsStarted: 0 });
});

test('the request log never holds a shared key', async () => {
  await raw(emu, 'PUT', `/subscriptions/${SUB}/resourcegroups/${RG}/providers/Microsoft.Network/connections/c?${API}&sharedKey=nothing`, {
    location: LOCATION,
    properties: { sharedKey: 'SecretKey999' },
  });
  expect(JSON.stringify(emu.control.requestLog())).not.toContain('SecretKey999');
});

test('reset() forgets resources, faults and the log', async () => {
  await createVnet(emu);
  emu.control.addFault({ kind: '500', path: 'nothing-matches' });
  emu.control.reset();
  expect(emu.control.listFaults()).toEqual([]);
  expect(emu.control.requestLog()).toEqual([]);
  await expect(networkClient(emu).virtualNetworks.get(RG, 'vnet-hub')).rejects.toMatchObject({ code: 'ResourceGroupNotFound' });
});

test('the same control features answer over HTTPS under /__emulator/', async () => {
  const added = await raw(emu, 'POST', '/__emulator/faults', { kind: '503', method: 'GET', path: '/resourcegroups/', count: 1 });
  expect(added.status).toBe(200);
  expect(added.body.id).toMatch(/^fault-/);
  expect((await raw(emu, 'GET', `/subscriptions/${SUB}/resourcegroups/${RG}?api-version=2025-04-01`)).status).toBe(503);
  expect((await raw(emu, 'GET', '/__emulator/faults')).body[0]).toMatchObject({ fired: 1 });
  expect((await raw(emu, 'POST', '/__emulator/durations', { gatewayMs: 7 })).body.gatewayMs).toBe(7);
  expect(emu.control.getDurations().gatewayMs).toBe(7);
  expect((await raw(emu, 'POST', '/__emulator/retry-after', { seconds: 2 })).status).toBe(204);
  expect((await raw(emu, 'GET', '/__emulator/counts')).body.faults['503']).toBe(1);
  const log = await raw(emu, 'GET', '/__emulator/requests');
  expect(log.body.some((r: { status: number }) => r.status === 503)).toBe(true);
  expect(log.body.some((r: { path: string }) => r.path.startsWith('/__emulator'))).toBe(false);
  const circuit = await raw(emu, 'POST', '/__emulator/circuits', { subscriptionId: SUB, resourceGroup: RG, name: 'erc' });
  expect(circuit.body.serviceKey).toMatch(/^[0-9a-f-]{36}$/);
  expect((await raw(emu, 'POST', '/__emulator/expressroute-path', { state: 'down', circuit: 'erc' })).status).toBe(204);
  expect((await raw(emu, 'POST', '/__emulator/expressroute-path', { state: 'sideways' })).status).toBe(400);
  expect((await raw(emu, 'POST', '/__emulator/site-reachable', { connection: 'missing', reachable: false })).status).toBe(404);
  expect((await raw(emu, 'POST', '/__emulator/onprem-prefixes', { prefixes: ['10.0.0.0/8'] })).status).toBe(204);
  expect((await raw(emu, 'POST', '/__emulator/onprem-prefixes', { prefixes: ['10.0.0.1/8'] })).status).toBe(400);
  expect((await raw(emu, 'POST', '/__emulator/nothing', {})).status).toBe(404);
  expect((await raw(emu, 'DELETE', '/__emulator/requests')).status).toBe(204);
  expect(emu.control.requestLog()).toEqual([]);
  expect((await raw(emu, 'POST', '/__emulator/reset')).status).toBe(204);
  expect((await raw(emu, 'GET', `/subscriptions/${SUB}/resourcegroups/${RG}?api-version=2025-04-01`)).status).toBe(404);
  // The Retry-After set over HTTP is used on LRO responses.
  await resourcesClient(emu).resourceGroups.createOrUpdate(RG, { location: LOCATION });
  const put = await raw(emu, 'PUT', `${netPath('virtualNetworks', 'v2')}?${API}`, { location: LOCATION, properties: { addressSpace: { addressPrefixes: ['10.0.0.0/16'] } } });
  expect(put.headers['retry-after']).toBe('2');
});

test('bad fault rules are refused', () => {
  expect(() => emu.control.addFault({ kind: 'explode' as never })).toThrow(/kind must be one of/);
  expect(() => emu.control.addFault({ kind: '500', path: '(' })).toThrow(/not a valid regular expression/);
  expect(() => emu.control.addFault({ kind: '500', rate: 2 })).toThrow(/rate/);
});
