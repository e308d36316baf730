/**
 * Taking over what exists: a hand-built VNet and gateway that match the hub file are adopted with no
 * write and no tag (so destroy leaves them); what Azure changes in place is changed in place.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isOwnedBy } from '../../../src/azure/client/model';
import { ExitCode } from '../../../src/errors';
import { cliRunner, type CliRun } from '../../support/cli';
import { buildByHand, handBuiltHubYaml, handBuiltSite } from '../handBuilt';
import { startHarness, writesTo, type Harness } from '../../support/emulator';

let h: Harness;
let cli: CliRun;
beforeAll(async () => {
  h = await startHarness();
  cli = await cliRunner(h);
});
afterAll(async () => {
  await h.close();
});

async function hubFile(name: string, yaml: string): Promise<string> {
  const file = path.join(h.dir, `${name}.yaml`);
  await fs.writeFile(file, yaml);
  return file;
}

/** `METHOD type/name` of the ARM writes since the log was cleared. */
function writtenResources(): string[] {
  return h.writes().map((w) => `${w.method} ${w.path.split('/').slice(-2).join('/')}`).sort();
}

test('a matching VNet and VPN gateway are adopted with zero writes and no tags; destroy leaves them', async () => {
  const rg = 'adopt-rg';
  // A group in another region than its resources, a subnet the hub does not list, the gateway's own
  // IP configuration name: none of it needs a write.
  await buildByHand(h, {
    rg,
    rgLocation: 'westeurope',
    subnets: [{ name: 'apps', prefix: '10.200.1.0/24' }],
    vpn: { name: 'hand-vgw', pip: 'hand-vgw-ip', ipConfigName: 'vnetGatewayConfig0' },
  });
  const file = await hubFile(rg, handBuiltHubYaml({ rg }));

  h.emu.control.clearRequestLog();
  const plan = await cli(['deploy', '--plan', '--file', file]);
  expect(plan.code).toBe(ExitCode.changesPending);
  expect(plan.out).toMatch(/= noop +virtual network hand-vnet/);
  expect(plan.out).toMatch(/= noop +VPN gateway hand-vgw/);
  expect(plan.out).toMatch(/= noop +public IP hand-vgw-ip/);
  expect(plan.out).toMatch(/\+ create +local network gateway hand-lng-hq/);

  const first = await cli(['deploy', '--file', file]);
  expect(first.code).toBe(ExitCode.ok);
  expect(writtenResources()).toEqual(['PUT connections/hand-cn-hq', 'PUT localNetworkGateways/hand-lng-hq']);
  const hubId = `${rg}/hand-vnet`;
  const [vnet, gw, pip, lng] = await Promise.all([h.api.getVnet(rg, 'hand-vnet'), h.api.getGateway(rg, 'hand-vgw'), h.api.getPublicIp(rg, 'hand-vgw-ip'), h.api.getLocalNetworkGateway(rg, 'hand-lng-hq')]);
  expect([isOwnedBy(vnet!.tags, hubId), isOwnedBy(gw!.tags, hubId), isOwnedBy(pip!.tags, hubId)]).toEqual([false, false, false]);
  expect(isOwnedBy(lng!.tags, hubId)).toBe(true);
  expect(vnet!.subnets.map((s) => s.name).sort()).toEqual(['GatewaySubnet', 'apps']);

  h.emu.control.clearRequestLog();
  const second = await cli(['deploy', '--file', file]);
  expect([second.code, second.out]).toEqual([ExitCode.ok, expect.stringMatching(/Nothing to change/)]);
  expect(h.writes()).toEqual([]);

  const destroy = await cli(['destroy', '--yes', '--file', file]);
  expect(destroy.code).toBe(ExitCode.ok);
  expect(destroy.out).toMatch(/kept \(not created by tunnelsmith for this hub\): .*gateway hand-vgw.*virtual network hand-vnet|kept \(not created by tunnelsmith for this hub\): .*virtual network hand-vnet/);
  expect(await h.api.getGateway(rg, 'hand-vgw')).toMatchObject({ provisioningState: 'Succeeded' });
  expect(await h.api.getVnet(rg, 'hand-vnet')).toBeDefined();
  expect(await h.api.getConnection(rg, 'hand-cn-hq')).toBeUndefined();
  expect(await h.api.getResourceGroup(rg)).toBeDefined();
});

test('an adopted gateway without BGP serving static sites is left as it is (no 45-minute update)', async () => {
  const rg = 'adopt-static-rg';
  await buildByHand(h, { rg, vpn: { name: 'hand-vgw', pip: 'hand-vgw-ip', enableBgp: false }, sites: [handBuiltSite({ bgp: false })] });
  const file = await hubFile(rg, handBuiltHubYaml({ rg, siteBgp: false }));
  h.emu.control.clearRequestLog();
  const r = await cli(['deploy', '--file', file]);
  expect([r.code, r.out]).toEqual([ExitCode.ok, expect.stringMatching(/Nothing to change/)]);
  expect(h.writes()).toEqual([]);
  expect((await h.api.getGateway(rg, 'hand-vgw'))!.enableBgp).toBe(false);
});

test('a resize within the SKU family is done in place, and the adopted gateway stays untagged', async () => {
  const rg = 'adopt-resize-rg';
  await buildByHand(h, { rg, vpn: { name: 'hand-vgw', pip: 'hand-vgw-ip' }, sites: [handBuiltSite()] });
  const file = await hubFile(rg, handBuiltHubYaml({ rg, vpnSku: 'VpnGw2AZ' }));
  const plan = await cli(['deploy', '--plan', '--file', file]);
  expect(plan.out).toMatch(/~ update +VPN gateway hand-vgw: sku: VpnGw1AZ -> VpnGw2AZ/);
  h.emu.control.clearRequestLog();
  const r = await cli(['deploy', '--file', file]);
  expect(r.code).toBe(ExitCode.ok);
  expect(writtenResources()).toEqual(['PUT virtualNetworkGateways/hand-vgw']);
  expect(writesTo(h, 'PUT', 'virtualNetworkGateways')).toBe(1);
  const gw = (await h.api.getGateway(rg, 'hand-vgw'))!;
  expect([gw.sku, isOwnedBy(gw.tags, `${rg}/hand-vnet`), gw.ipConfigurations[0].name]).toEqual(['VpnGw2AZ', false, 'default']);
});
