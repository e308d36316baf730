/** State, certificate and token persisted in the state dir and reloaded; stop() leaves nothing running. */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretClient } from '@azure/keyvault-secrets';
import { startEmulator } from '../../src/emulator';
import { API, createPip, createVnet, LOCATION, netPath, networkClient, POLL, raw, RG, staticCredential, vpnGatewayBody } from '../support/emulator';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'emu-state-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function mode(file: string): number {
  return statSync(file).mode & 0o777;
}

test('resources, keys, secrets, rules and simulation settings survive a restart; certificate, tokens and ports are reused', async () => {
  const first = await startEmulator({ stateDir: dir, durations: { gatewayMs: 20, connectionMs: 10, setSharedKeyMs: 5, defaultMs: 5 } });
  const net = networkClient(first);
  await createVnet(first);
  await createPip(first, 'pip-1');
  const gw = await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', vpnGatewayBody({ pips: ['pip-1'] }), POLL);
  const lng = await net.localNetworkGateways.beginCreateOrUpdateAndWait(
    RG,
    'lng',
    { location: LOCATION, gatewayIpAddress: '40.50.60.70', localNetworkAddressSpace: { addressPrefixes: ['192.168.0.0/16'] } },
    POLL,
  );
  await net.virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(
    RG,
    'cn',
    { location: LOCATION, connectionType: 'IPsec', virtualNetworkGateway1: { id: gw.id! }, localNetworkGateway2: { id: lng.id! }, sharedKey: 'Persisted123' },
    POLL,
  );
  first.control.setSiteReachable('cn', false);
  first.control.setRules({ refuseConcurrentGateways: true });
  const secrets = new SecretClient(first.vaultEndpoint, staticCredential(first.vaultToken), { tlsOptions: { ca: first.caPem }, disableChallengeResourceVerification: true });
  await secrets.setSecret('psk', 'VaultValue1');
  const pipAddress = (await net.publicIPAddresses.get(RG, 'pip-1')).ipAddress;
  const { token, vaultToken, caPem, endpoint, vaultEndpoint } = first;
  expect(first.caFile).toBe(join(dir, 'ca.pem'));
  await first.stop();

  expect(mode(join(dir, 'state.json'))).toBe(0o600);
  expect(mode(join(dir, 'key.pem'))).toBe(0o600);
  expect(mode(join(dir, 'token'))).toBe(0o600);
  expect(mode(join(dir, 'vault-token'))).toBe(0o600);
  expect(readFileSync(join(dir, 'token'), 'utf8').trim()).toBe(token);
  expect(readFileSync(join(dir, 'vault-token'), 'utf8').trim()).toBe(vaultToken);

  const second = await startEmulator({ stateDir: dir });
  try {
    expect(second.token).toBe(token);
    expect(second.vaultToken).toBe(vaultToken);
    expect(second.caPem).toBe(caPem);
    // Same state dir, same endpoints: exported TUNNELSMITH_*_ENDPOINT values stay right.
    expect([second.endpoint, second.vaultEndpoint]).toEqual([endpoint, vaultEndpoint]);
    expect(second.control.setRules({})).toMatchObject({ refuseConcurrentGateways: true });
    const net2 = networkClient(second);
    expect((await net2.publicIPAddresses.get(RG, 'pip-1')).ipAddress).toBe(pipAddress);
    expect((await net2.virtualNetworkGatewayConnections.getSharedKey(RG, 'cn')).value).toBe('Persisted123');
    const conn = await net2.virtualNetworkGatewayConnections.get(RG, 'cn');
    expect(conn.connectionStatus).toBe('NotConnected');
    const gw2 = await net2.virtualNetworkGateways.get(RG, 'vgw-vpn');
    expect(gw2.bgpSettings?.bgpPeeringAddresses?.[0].defaultBgpIpAddresses).toEqual(['10.10.255.4']);
    const secrets2 = new SecretClient(second.vaultEndpoint, staticCredential(second.vaultToken), { tlsOptions: { ca: second.caPem }, disableChallengeResourceVerification: true });
    expect((await secrets2.getSecret('psk')).value).toBe('VaultValue1');
    const list: string[] = [];
    for await (const v of net2.virtualNetworks.list(RG)) list.push(v.name!);
    expect(list).toEqual(['vnet-hub']);
  } finally {
    await second.stop();
  }
});

test('an operation still running at stop is finished on the next start (Updating becomes Succeeded, a dynamic IP gets its address)', async () => {
  const first = await startEmulator({ stateDir: dir, durations: { gatewayMs: 60_000, defaultMs: 5 }, rules: { allowRetiredSkus: true } });
  await createVnet(first);
  await createPip(first, 'pip-dyn', 'Dynamic');
  const { location: _l, active, ...props } = vpnGatewayBody({ pips: ['pip-dyn'], sku: 'VpnGw1' }) as any;
  const put = await raw(first, 'PUT', `${netPath('virtualNetworkGateways', 'vgw-vpn')}?${API}`, {
    location: LOCATION,
    properties: {
      ...props,
      activeActive: active,
      ipConfigurations: props.ipConfigurations.map((c: any) => ({ name: c.name, properties: { subnet: c.subnet, publicIPAddress: c.publicIPAddress } })),
    },
  });
  expect(put.status).toBe(201);
  await first.stop();
  const second = await startEmulator({ stateDir: dir });
  try {
    const net = networkClient(second);
    expect((await net.virtualNetworkGateways.get(RG, 'vgw-vpn')).provisioningState).toBe('Succeeded');
    expect((await net.publicIPAddresses.get(RG, 'pip-dyn')).ipAddress).toMatch(/^203\.0\.113\./);
  } finally {
    await second.stop();
  }
});

test('stop() closes both listeners, drops kept-alive sockets and clears pending operation timers', async () => {
  const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const emu = await startEmulator({ durations: { gatewayMs: 60_000, defaultMs: 60_000 } });
  await raw(emu, 'PUT', '/subscriptions/s/resourcegroups/rg?api-version=2025-04-01', { location: LOCATION });
  const net = networkClient(emu, emu.token, 's');
  const poller = await net.virtualNetworks.beginCreateOrUpdate('rg', 'v', { location: LOCATION, addressSpace: { addressPrefixes: ['10.0.0.0/16'] } }, { updateIntervalInMs: 60_000 });
  expect(poller.getOperationState().status).not.toBe('succeeded');
  expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBeGreaterThan(before);
  await emu.stop();
  await emu.stop(); // idempotent
  expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
  await expect(raw(emu, 'GET', '/subscriptions/s/resourcegroups?api-version=2025-04-01')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  await expect(raw(emu, 'GET', '/secrets/x', undefined, { base: emu.vaultEndpoint })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
});

test('without a state dir the tokens are new JWTs per start and nothing is written; given tokens are taken as they are', async () => {
  const a = await startEmulator();
  const b = await startEmulator({ token: 'given-token', vaultToken: 'given-vault-token' });
  const c = await startEmulator();
  try {
    expect(a.caFile).toBeUndefined();
    expect(a.token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(a.vaultToken).not.toBe(a.token);
    expect(c.token).not.toBe(a.token);
    expect([b.token, b.vaultToken]).toEqual(['given-token', 'given-vault-token']);
    expect(a.endpoint).not.toBe(b.endpoint);
    await expect(startEmulator({ token: 'same', vaultToken: 'same' })).rejects.toThrow(/must differ/);
  } finally {
    await a.stop();
    await b.stop();
    await c.stop();
  }
});

test('a remembered port another process took meanwhile gives way to a free one; the new ports are remembered', async () => {
  const first = await startEmulator({ stateDir: dir });
  const vaultPort = Number(new URL(first.vaultEndpoint).port);
  await first.stop();
  // Something else now listens on the vault port of the previous run.
  const squatter = await startEmulator({ port: vaultPort });
  try {
    const second = await startEmulator({ stateDir: dir });
    try {
      expect(Number(new URL(second.vaultEndpoint).port)).not.toBe(vaultPort);
      expect(JSON.parse(readFileSync(join(dir, 'ports.json'), 'utf8'))).toEqual({
        arm: Number(new URL(second.endpoint).port),
        vault: Number(new URL(second.vaultEndpoint).port),
      });
    } finally {
      await second.stop();
    }
  } finally {
    await squatter.stop();
  }
});
