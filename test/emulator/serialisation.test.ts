/**
 * A gateway writes its connections one at a time: a write to a connection while another connection of
 * the same gateway is being written is 409 AnotherOperationInProgress; connections of different
 * gateways are written in parallel.
 */
import type { NetworkManagementClient } from '@azure/arm-network';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { API, createPip, createVnet, FAST, LOCATION, netPath, networkClient, POLL, raw, RG, SECURE_POLICY, vpnGatewayBody, waitForState } from '../support/emulator';

let emu: RunningEmulator;
let net: NetworkManagementClient;

beforeEach(async () => {
  emu = await startEmulator({ durations: FAST });
  net = networkClient(emu);
});
afterEach(async () => {
  await emu.stop();
});

/** A VPN gateway `gw` in VNet `vnet` (its own public IP), and local network gateways for sites a, b, c. */
async function gateway(gw = 'vgw-vpn', vnet = 'vnet-hub') {
  await createVnet(emu, '10.10.255.0/27', vnet);
  await createPip(emu, `${gw}-pip`);
  const body = vpnGatewayBody({ pips: [`${gw}-pip`], vnet });
  return net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, gw, body, POLL);
}

async function lng(name: string, ip: string) {
  return net.localNetworkGateways.beginCreateOrUpdateAndWait(RG, name, { location: LOCATION, gatewayIpAddress: ip, localNetworkAddressSpace: { addressPrefixes: [] } }, POLL);
}

function connectionBody(gwId: string, lngId: string, key = 'Key12345') {
  return { location: LOCATION, connectionType: 'IPsec' as const, virtualNetworkGateway1: { id: gwId }, localNetworkGateway2: { id: lngId }, sharedKey: key, ipsecPolicies: [SECURE_POLICY] };
}

function rawConnection(gwId: string, lngId: string) {
  return { location: LOCATION, properties: { connectionType: 'IPsec', virtualNetworkGateway1: { id: gwId }, localNetworkGateway2: { id: lngId }, sharedKey: 'Key12345' } };
}

test('creating two connections of one gateway at once: the second is 409 AnotherOperationInProgress, then goes through alone', async () => {
  emu.control.setDurations({ connectionMs: 200 });
  const gw = await gateway();
  const [a, b] = [await lng('lng-a', '40.0.0.1'), await lng('lng-b', '40.0.0.2')];
  const first = await raw(emu, 'PUT', `${netPath('connections', 'cn-a')}?${API}`, rawConnection(gw.id!, a.id!));
  expect(first.status).toBe(201);
  const second = await raw(emu, 'PUT', `${netPath('connections', 'cn-b')}?${API}`, rawConnection(gw.id!, b.id!));
  expect(second.status).toBe(409);
  expect(second.body.error.code).toBe('AnotherOperationInProgress');
  expect(second.body.error.message).toMatch(/^Another operation on this or dependent resource is in progress\. To retrieve status of the operation use uri: https:\/\/127\.0\.0\.1:\d+\//);
  // Nothing was created by the refused request.
  expect((await raw(emu, 'GET', `${netPath('connections', 'cn-b')}?${API}`)).status).toBe(404);
  await waitForState(emu, netPath('connections', 'cn-a'));
  const later = await net.virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(RG, 'cn-b', connectionBody(gw.id!, b.id!), POLL);
  expect(later.provisioningState).toBe('Succeeded');
});

test('through the SDK: parallel creates on one gateway lose one to a 409 RestError; serialised they all succeed', async () => {
  const gw = await gateway();
  const lngs = await Promise.all(['lng-a', 'lng-b', 'lng-c'].map((n, i) => lng(n, `40.0.0.${i + 1}`)));
  emu.control.setDurations({ connectionMs: 300 });
  const results = await Promise.allSettled(
    lngs.map((l, i) => net.virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(RG, `cn-${i}`, connectionBody(gw.id!, l.id!), POLL)),
  );
  const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  expect(refused).toHaveLength(2);
  for (const e of refused) expect(e).toMatchObject({ statusCode: 409, code: 'AnotherOperationInProgress' });
  for (let i = 0; i < lngs.length; i++) {
    await net.virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(RG, `cn-${i}`, connectionBody(gw.id!, lngs[i].id!), POLL);
  }
  const listed: string[] = [];
  for await (const c of net.virtualNetworkGatewayConnections.list(RG)) listed.push(`${c.name}:${c.provisioningState}`);
  expect(listed.sort()).toEqual(['cn-0:Succeeded', 'cn-1:Succeeded', 'cn-2:Succeeded']);
});

test('set-key, reset and delete of a sibling wait while one connection is written, including the Updating tail after its key change', async () => {
  const gw = await gateway();
  const [a, b] = [await lng('lng-a', '40.0.0.1'), await lng('lng-b', '40.0.0.2')];
  await net.virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(RG, 'cn-a', connectionBody(gw.id!, a.id!), POLL);
  await net.virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(RG, 'cn-b', connectionBody(gw.id!, b.id!), POLL);
  emu.control.setDurations({ setSharedKeyMs: 100, connectionMs: 300 });
  // The set-key operation reports success, then the connection stays Updating for connectionMs.
  await net.virtualNetworkGatewayConnections.beginSetSharedKeyAndWait(RG, 'cn-a', { value: 'NewKeyForA1' }, POLL);
  expect((await net.virtualNetworkGatewayConnections.get(RG, 'cn-a')).provisioningState).toBe('Updating');
  const setB = await raw(emu, 'PUT', `${netPath('connections', 'cn-b')}/sharedkey?${API}`, { value: 'NewKeyForB1' });
  const resetB = await raw(emu, 'POST', `${netPath('connections', 'cn-b')}/sharedkey/reset?${API}`, { keyLength: 32 });
  const putB = await raw(emu, 'PUT', `${netPath('connections', 'cn-b')}?${API}`, rawConnection(gw.id!, b.id!));
  const deleteB = await raw(emu, 'DELETE', `${netPath('connections', 'cn-b')}?${API}`);
  expect([setB.status, resetB.status, putB.status, deleteB.status]).toEqual([409, 409, 409, 409]);
  for (const r of [setB, resetB, putB, deleteB]) expect(r.body.error.code).toBe('AnotherOperationInProgress');
  // The refused writes changed nothing: cn-b keeps its key and still exists.
  expect((await net.virtualNetworkGatewayConnections.getSharedKey(RG, 'cn-b')).value).toBe('Key12345');
  await waitForState(emu, netPath('connections', 'cn-a'));
  await net.virtualNetworkGatewayConnections.beginSetSharedKeyAndWait(RG, 'cn-b', { value: 'NewKeyForB1' }, POLL);
  expect((await net.virtualNetworkGatewayConnections.getSharedKey(RG, 'cn-b')).value).toBe('NewKeyForB1');
  await waitForState(emu, netPath('connections', 'cn-b'));
  await net.virtualNetworkGatewayConnections.beginDeleteAndWait(RG, 'cn-b', POLL);
  expect((await raw(emu, 'GET', `${netPath('connections', 'cn-b')}?${API}`)).status).toBe(404);
});

test('a delete in progress holds its siblings too', async () => {
  const gw = await gateway();
  const [a, b] = [await lng('lng-a', '40.0.0.1'), await lng('lng-b', '40.0.0.2')];
  await net.virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(RG, 'cn-a', connectionBody(gw.id!, a.id!), POLL);
  await net.virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(RG, 'cn-b', connectionBody(gw.id!, b.id!), POLL);
  emu.control.setDurations({ connectionMs: 300 });
  expect((await raw(emu, 'DELETE', `${netPath('connections', 'cn-a')}?${API}`)).status).toBe(202);
  const reset = await raw(emu, 'POST', `${netPath('connections', 'cn-b')}/sharedkey/reset?${API}`, { keyLength: 32 });
  expect([reset.status, reset.body.error.code]).toEqual([409, 'AnotherOperationInProgress']);
});

test('connections of different gateways are written at the same time', async () => {
  const gw1 = await gateway('vgw-1', 'vnet-1');
  const gw2 = await gateway('vgw-2', 'vnet-2');
  const [a, b] = [await lng('lng-a', '40.0.0.1'), await lng('lng-b', '40.0.0.2')];
  emu.control.setDurations({ connectionMs: 300 });
  expect((await raw(emu, 'PUT', `${netPath('connections', 'cn-1')}?${API}`, rawConnection(gw1.id!, a.id!))).status).toBe(201);
  // cn-1 is still being created on vgw-1; vgw-2 takes its own connection meanwhile.
  expect((await net.virtualNetworkGatewayConnections.get(RG, 'cn-1')).provisioningState).toBe('Updating');
  expect((await raw(emu, 'PUT', `${netPath('connections', 'cn-2')}?${API}`, rawConnection(gw2.id!, b.id!))).status).toBe(201);
  expect((await net.virtualNetworkGatewayConnections.get(RG, 'cn-1')).provisioningState).toBe('Updating');
  await waitForState(emu, netPath('connections', 'cn-1'));
  await waitForState(emu, netPath('connections', 'cn-2'));
  emu.control.setDurations({ connectionMs: 40 });
  await Promise.all([
    net.virtualNetworkGatewayConnections.beginSetSharedKeyAndWait(RG, 'cn-1', { value: 'Other1' }, POLL),
    net.virtualNetworkGatewayConnections.beginSetSharedKeyAndWait(RG, 'cn-2', { value: 'Other2' }, POLL),
  ]);
  expect(emu.control.counts().byStatus['409'] ?? 0).toBe(0);
  expect((await net.virtualNetworkGatewayConnections.getSharedKey(RG, 'cn-2')).value).toBe('Other2');
});
