/**
 * Reading back which public IP goes with which BGP address: every bgpPeeringAddresses entry names its
 * ipConfiguration, whose publicIPAddress leads to the public IP resource. Rules make the answer look
 * like older API versions (no tunnelIpAddresses) and put the entries in another order than the
 * ipConfigurations, so only pairing by ipconfigurationId stays right.
 */
import type { NetworkManagementClient, VirtualNetworkGateway } from '@azure/arm-network';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { createPip, createVnet, FAST, networkClient, POLL, raw, RG, vpnGatewayBody } from '../support/emulator';

let emu: RunningEmulator;
let net: NetworkManagementClient;

beforeEach(async () => {
  emu = await startEmulator({ durations: FAST });
  net = networkClient(emu);
  await createVnet(emu);
  await createPip(emu, 'pip-a');
  await createPip(emu, 'pip-b');
  await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(
    RG,
    'vgw-vpn',
    vpnGatewayBody({ pips: ['pip-a', 'pip-b'], activeActive: true, apipa: ['169.254.21.1', '169.254.22.1'] }),
    POLL,
  );
});
afterEach(async () => {
  await emu.stop();
});

/** Follows ipconfigurationId -> ipConfiguration -> publicIPAddress -> public IP, per BGP entry. */
async function pairByIpConfiguration(gw: VirtualNetworkGateway): Promise<Array<{ publicIp: string; bgp: string[]; custom: string[] }>> {
  const out = [];
  for (const entry of gw.bgpSettings!.bgpPeeringAddresses!) {
    const ipc = gw.ipConfigurations!.find((c) => c.id!.toLowerCase() === entry.ipconfigurationId!.toLowerCase())!;
    const pipName = ipc.publicIPAddress!.id!.split('/').pop()!;
    const pip = await net.publicIPAddresses.get(RG, pipName);
    out.push({ publicIp: pip.ipAddress!, bgp: entry.defaultBgpIpAddresses!, custom: entry.customBgpIpAddresses! });
  }
  return out;
}

test('each bgpPeeringAddresses entry names an ipConfiguration of the gateway whose public IP is that instance\'s tunnelIpAddresses', async () => {
  const gw = await net.virtualNetworkGateways.get(RG, 'vgw-vpn');
  const entries = gw.bgpSettings!.bgpPeeringAddresses!;
  expect(entries.map((e) => e.ipconfigurationId)).toEqual(gw.ipConfigurations!.map((c) => c.id));
  const [a, b] = [(await net.publicIPAddresses.get(RG, 'pip-a')).ipAddress!, (await net.publicIPAddresses.get(RG, 'pip-b')).ipAddress!];
  const paired = await pairByIpConfiguration(gw);
  expect(paired).toEqual([
    { publicIp: a, bgp: ['10.10.255.4'], custom: ['169.254.21.1'] },
    { publicIp: b, bgp: ['10.10.255.5'], custom: ['169.254.22.1'] },
  ]);
  expect(entries.map((e) => e.tunnelIpAddresses)).toEqual([[a], [b]]);
});

test('omitTunnelIpAddresses answers like older API versions; the ipconfigurationId path still pairs correctly', async () => {
  const before = await pairByIpConfiguration(await net.virtualNetworkGateways.get(RG, 'vgw-vpn'));
  expect(emu.control.setRules({ omitTunnelIpAddresses: true })).toMatchObject({ omitTunnelIpAddresses: true });
  const gw = await net.virtualNetworkGateways.get(RG, 'vgw-vpn');
  for (const e of gw.bgpSettings!.bgpPeeringAddresses!) expect(e).not.toHaveProperty('tunnelIpAddresses');
  const rawGw = await raw(emu, 'GET', `${gw.id}?api-version=2025-05-01`);
  expect(JSON.stringify(rawGw.body)).not.toContain('tunnelIpAddresses');
  expect(await pairByIpConfiguration(gw)).toEqual(before);
});

test('reverseBgpPeeringAddresses lists the entries against the ipConfigurations order: by position the pairs come out crossed', async () => {
  const before = await pairByIpConfiguration(await net.virtualNetworkGateways.get(RG, 'vgw-vpn'));
  const res = await raw(emu, 'POST', '/__emulator/rules', { reverseBgpPeeringAddresses: true, omitTunnelIpAddresses: true });
  expect(res.body).toMatchObject({ reverseBgpPeeringAddresses: true, omitTunnelIpAddresses: true });
  const gw = await net.virtualNetworkGateways.get(RG, 'vgw-vpn');
  const entries = gw.bgpSettings!.bgpPeeringAddresses!;
  expect(entries.map((e) => e.ipconfigurationId)).toEqual([...gw.ipConfigurations!.map((c) => c.id)].reverse());
  // Pairing by ipconfigurationId finds the same pairs (in the answer's order)...
  expect(await pairByIpConfiguration(gw)).toEqual([...before].reverse());
  // ...pairing by position is not.
  const byPosition = [];
  for (let i = 0; i < entries.length; i++) {
    const pip = await net.publicIPAddresses.get(RG, gw.ipConfigurations![i].publicIPAddress!.id!.split('/').pop()!);
    byPosition.push({ publicIp: pip.ipAddress!, bgp: entries[i].defaultBgpIpAddresses!, custom: entries[i].customBgpIpAddresses! });
  }
  expect(byPosition).not.toEqual(before);
});
