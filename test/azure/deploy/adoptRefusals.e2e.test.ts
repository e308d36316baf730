/**
 * What Azure cannot change in place is refused before any write, naming the hub field and the exact
 * remedy: a policy-based or Basic gateway, a SKU change across families or generations, a retired SKU
 * or Basic public IP (with Azure's migration path), an address space that would drop or overlap
 * subnets, and a GatewaySubnet smaller than /27 with ExpressRoute, whose remedy `--allow-recreate`
 * carries out after a typed confirmation.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isOwnedBy } from '../../../src/azure/client/model';
import { ExitCode } from '../../../src/errors';
import { readKeyJournal } from '../../../src/io/keyJournal';
import { type CliRun, cliRunner, jsonLines } from '../../support/cli';
import { buildByHand, handBuiltHubYaml, handBuiltSite, type HandBuiltOptions } from '../handBuilt';
import { seedCircuit, startHarness, type Harness } from '../../support/emulator';

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

/** deploy and deploy --plan both refuse with exit 4 and write nothing; returns deploy's stderr. */
async function refused(file: string): Promise<string> {
  h.emu.control.clearRequestLog();
  const plan = await cli(['deploy', '--plan', '--file', file]);
  const r = await cli(['deploy', '--file', file]);
  expect([plan.code, r.code]).toEqual([ExitCode.azure, ExitCode.azure]);
  expect(r.err).toMatch(/error \[AzureStateConflict\]: Azure holds state that cannot be changed in place/);
  expect(plan.err).toContain(r.err.split('\n').find((l) => l.includes('(fix: '))!);
  expect(h.writes()).toEqual([]);
  return r.err;
}

async function setup(rg: string, o: Omit<HandBuiltOptions, 'rg'>, hub: Parameters<typeof handBuiltHubYaml>[0]): Promise<string> {
  await buildByHand(h, { rg, ...o });
  return hubFile(rg, handBuiltHubYaml(hub));
}

test('a policy-based gateway: delete its connections and the gateway, then deploy creates a route-based one', async () => {
  const rg = 'policy-rg';
  const file = await setup(rg, { vpn: { name: 'hand-vgw', pip: 'hand-vgw-ip', sku: 'VpnGw1AZ', vpnType: 'PolicyBased', enableBgp: false }, sites: [handBuiltSite({ bgp: false })] }, { rg, vpnSku: 'VpnGw1AZ', siteBgp: false });
  const err = await refused(file);
  expect(err).toMatch(/azure\.vpnGateway\.name: VPN gateway hand-vgw is PolicyBased; BGP, custom IPsec policies and coexistence with ExpressRoute need a RouteBased gateway, and Azure cannot change the VPN type in place \(fix: delete its connection hand-cn-hq, then delete gateway hand-vgw .*then deploy again: tunnelsmith creates a route-based VpnGw1AZ gateway named hand-vgw\)/);
});

test('a Basic gateway on a Basic public IP: the SKU cannot be resized, the IP is retired (with the migration path)', async () => {
  const rg = 'basic-rg';
  const file = await setup(rg, { vpn: { name: 'hand-vgw', pip: 'hand-vgw-ip', sku: 'Basic', enableBgp: false, pipSku: 'Basic' }, sites: [handBuiltSite({ bgp: false, policy: false })] }, { rg, vpnSku: 'VpnGw1AZ', siteBgp: false });
  const err = await refused(file);
  expect(err).toMatch(/azure\.vpnGateway\.sku: VPN gateway hand-vgw is Basic in Azure, the hub file says VpnGw1AZ: it is a Basic gateway .*Basic cannot be resized to VpnGw1AZ \(fix: delete the gateway \(its connections first/);
  expect(err).toMatch(/azure\.vpnGateway\.publicIpNames\[0\]: public IP hand-vgw-ip has the retired Basic SKU \(Dynamic\).*\(fix: Basic SKU public IPs are retired \(30 September 2025\)\. A gateway moves to a Standard IP with Azure's gateway migration/);
});

test('a SKU change across families or generations is refused; the remedy says what resizes in place', async () => {
  const rg = 'family-rg';
  // A non-AZ gateway made before Azure stopped creating them.
  await withRetiredSkus(() => buildByHand(h, { rg, vpn: { name: 'hand-vgw', pip: 'hand-vgw-ip', sku: 'VpnGw1' }, sites: [handBuiltSite()] }));
  const toAz = await refused(await hubFile('family-az', handBuiltHubYaml({ rg, vpnSku: 'VpnGw1AZ' })));
  expect(toAz).toMatch(/azure\.vpnGateway\.sku: VPN gateway hand-vgw is VpnGw1 in Azure, the hub file says VpnGw1AZ: VpnGw1 and VpnGw1AZ are different SKU families .*\(fix: keep sku: VpnGw1 in the hub file: Azure no longer creates non-AZ gateways and Microsoft migrates this one to VpnGw1AZ itself, keeping its public IP/);
  const toGen2 = await refused(await hubFile('family-gen', handBuiltHubYaml({ rg, vpnSku: 'VpnGw4' })));
  expect(toGen2).toMatch(/the gateway is Generation1, which has no VpnGw4 SKU, and a resize cannot change the generation \(fix: choose a SKU of Generation1 \(VpnGw1, VpnGw2, VpnGw3\)/);

  const erRg = 'family-er-rg';
  await buildByHand(h, { rg: erRg, er: { name: 'hand-ergw', pip: 'hand-ergw-ip', sku: 'Standard' }, vpn: { name: 'hand-vgw', pip: 'hand-vgw-ip' } });
  const er = await refused(await hubFile(erRg, handBuiltHubYaml({ rg: erRg, erSku: 'ErGw1AZ', sites: false })));
  expect(er).toMatch(/azure\.expressRoute\.sku: ExpressRoute gateway hand-ergw is Standard in Azure, the hub file says ErGw1AZ: Standard is a non-zonal ExpressRoute SKU .*\(fix: keep sku: Standard .*Azure's ExpressRoute gateway migration/);
});

test('a non-AZ VPN gateway that exists is adopted as it is (no write), saying Microsoft migrates it; a new one is refused naming its AZ twin', async () => {
  const rg = 'nonaz-rg';
  await withRetiredSkus(() => buildByHand(h, { rg, vpn: { name: 'hand-vgw', pip: 'hand-vgw-ip', sku: 'VpnGw2' }, sites: [handBuiltSite()] }));
  const file = await hubFile(rg, handBuiltHubYaml({ rg, vpnSku: 'VpnGw2' }));
  h.emu.control.clearRequestLog();
  const plan = await cli(['deploy', '--plan', '--file', file]);
  expect([plan.code, plan.out]).toEqual([ExitCode.ok, expect.stringMatching(/Nothing to change\./)]);
  expect(plan.err).toMatch(/warning: azure\.vpnGateway\.sku: VPN gateway hand-vgw is VpnGw2, a non-AZ SKU Azure no longer creates; tunnelsmith adopts it as it is, and Microsoft migrates it to VpnGw2AZ itself, keeping its public IP \(fix: once Microsoft has migrated it, set sku: VpnGw2AZ\)/);
  const deploy = await cli(['deploy', '--file', file]);
  expect(deploy.code).toBe(ExitCode.ok);
  expect(deploy.err).toMatch(/warning: azure\.vpnGateway\.sku: .*Microsoft migrates it to VpnGw2AZ/);
  expect(h.writes()).toEqual([]);
  const validate = await cli(['validate', '--file', file]);
  expect(validate.code).toBe(ExitCode.ok);
  expect(validate.err).toMatch(/warning: azure\.vpnGateway\.sku: VpnGw2 is a non-AZ SKU Azure no longer creates \(NonAzSkusNotAllowedForVPNGateway\)/);

  const fresh = await hubFile('nonaz-new', handBuiltHubYaml({ rg: 'nonaz-new-rg', vpnSku: 'VpnGw2' }));
  const refusedNew = await refused(fresh);
  expect(refusedNew).toMatch(/azure\.vpnGateway\.sku: VPN gateway hand-vgw does not exist yet, and Azure no longer creates gateways of the non-AZ VpnGw2 SKU \(NonAzSkusNotAllowedForVPNGateway\) \(fix: use sku: VpnGw2AZ, its zone-redundant twin/);
});

/** Creates what only Azure before the SKU consolidation could: gateways of a non-AZ or retired SKU. */
async function withRetiredSkus<T>(build: () => Promise<T>): Promise<T> {
  h.emu.control.setRules({ allowRetiredSkus: true });
  try {
    return await build();
  } finally {
    h.emu.control.setRules({ allowRetiredSkus: false });
  }
}

test('a retired Standard VPN gateway is reported with Azure\'s migration path', async () => {
  const rg = 'retired-rg';
  h.emu.control.setRules({ allowRetiredSkus: true });
  try {
    await buildByHand(h, { rg, vpn: { name: 'hand-vgw', pip: 'hand-vgw-ip', sku: 'Standard', enableBgp: false }, sites: [handBuiltSite({ bgp: false })] });
  } finally {
    h.emu.control.setRules({ allowRetiredSkus: false });
  }
  const err = await refused(await hubFile(rg, handBuiltHubYaml({ rg, vpnSku: 'VpnGw1AZ', siteBgp: false })));
  expect(err).toMatch(/azure\.vpnGateway\.sku: VPN gateway hand-vgw is Standard in Azure, the hub file says VpnGw1AZ: it has the retired Standard SKU, which cannot be resized to VpnGw1AZ \(fix: the Standard VPN gateway SKU is retired; Azure migrates Standard gateways to VpnGw1AZ itself, keeping their public IP\. Once Azure has migrated this gateway, set its sku to VpnGw1AZ/);
});

test('an address space that would drop a range holding a subnet, or overlap a subnet the hub does not list, is refused', async () => {
  const rg = 'space-rg';
  await buildByHand(h, { rg, gatewaySubnet: '10.200.0.224/27', subnets: [{ name: 'apps', prefix: '10.200.200.0/24' }], vpn: { name: 'hand-vgw', pip: 'hand-vgw-ip' }, sites: [handBuiltSite()] });
  const narrower = await refused(await hubFile('space-narrow', handBuiltHubYaml({ rg, gatewaySubnet: '10.200.0.224/27', addressSpace: ['10.200.0.0/17'] })));
  expect(narrower).toMatch(/azure\.vnet\.addressSpace: subnet apps \(10\.200\.200\.0\/24\) of VNet hand-vnet lies outside the address space \[10\.200\.0\.0\/17\], and Azure removes an address range only when no subnet uses it \(fix: keep a prefix that holds 10\.200\.200\.0\/24 in azure\.vnet\.addressSpace \(Azure has \[10\.200\.0\.0\/16\]\), or delete or move subnet apps first\)/);
  const overlapping = await refused(await hubFile('space-overlap', handBuiltHubYaml({ rg, gatewaySubnet: '10.200.0.224/27', subnets: [{ name: 'web', prefix: '10.200.200.0/25' }] })));
  expect(overlapping).toMatch(/azure\.vnet\.subnets\[0\]\.prefix: 10\.200\.200\.0\/25 overlaps subnet apps \(10\.200\.200\.0\/24\), which exists in VNet hand-vnet and is not in the hub file \(fix: /);
});

describe('a GatewaySubnet smaller than /27 with ExpressRoute', () => {
  const rg = 'small-gwsubnet-rg';
  let file: string;
  let circuitId: string;
  beforeAll(async () => {
    circuitId = seedCircuit(h, rg, 'hand-erc');
    await buildByHand(h, { rg, gatewaySubnet: '10.200.255.240/28', vpn: { name: 'hand-vgw', pip: 'hand-vgw-ip' }, sites: [handBuiltSite()] });
    file = await hubFile(rg, handBuiltHubYaml({ rg, circuitId }));
  });

  test('is refused with the steps: connections, then gateways, then the subnet, then deploy', async () => {
    const err = await refused(file);
    expect(err).toMatch(/azure\.vnet\.gatewaySubnet: the GatewaySubnet of VNet hand-vnet is 10\.200\.255\.240\/28 in Azure; an ExpressRoute gateway beside a VPN gateway needs \/27 or larger \(10\.200\.255\.224\/27\), and Azure cannot resize a GatewaySubnet while gateways use it/);
    expect(err).toMatch(/fix: the gateways that use it must be deleted first, then the subnet recreated: 1\. delete connection hand-cn-hq \(the tunnels drop until step 4\); 2\. delete gateway hand-vgw .*; 3\. recreate the GatewaySubnet of VNet hand-vnet as 10\.200\.255\.224\/27 \(it is 10\.200\.255\.240\/28\); 4\. deploy again: .*Run tunnelsmith deploy --allow-recreate/);
  });

  test('--allow-recreate needs a typed confirmation: without a terminal, or with the wrong answer, nothing changes', async () => {
    h.emu.control.clearRequestLog();
    const noTty = await cli(['deploy', '--allow-recreate', '--file', file]);
    expect(noTty.code).toBe(ExitCode.usage);
    expect(noTty.out).toMatch(/must change from 10\.200\.255\.240\/28 to 10\.200\.255\.224\/27[^]*1\. delete connection hand-cn-hq/);
    expect(noTty.err).toMatch(/error \[ConfirmationNeeded\][^]*pass --yes/);
    const wrong = await cli(['deploy', '--allow-recreate', '--file', file], { stdinTty: true, input: 'yes\n' });
    expect(wrong.code).toBe(ExitCode.usage);
    expect(wrong.err).toMatch(/confirmation did not match; nothing was changed/);
    expect(h.writes()).toEqual([]);
  });

  test('with the hub id typed it performs them: the device keeps its key, the gateway its public IP, then all deploys', async () => {
    const keyBefore = await h.api.getSharedKey(rg, 'hand-cn-hq');
    const ipBefore = (await h.api.getPublicIp(rg, 'hand-vgw-ip'))!.ipAddress;
    const r = await cli(['deploy', '--allow-recreate', '--file', file], { stdinTty: true, input: `${rg}/hand-vnet\n` });
    expect(r.code).toBe(ExitCode.ok);
    expect(r.out).toMatch(/Deleted to recreate the GatewaySubnet: connection hand-cn-hq, VPN gateway hand-vgw\./);
    const [vnet, vpn, er, cn, erCn] = await Promise.all([
      h.api.getVnet(rg, 'hand-vnet'),
      h.api.getGateway(rg, 'hand-vgw'),
      h.api.getGateway(rg, 'hand-ergw'),
      h.api.getConnection(rg, 'hand-cn-hq'),
      h.api.getConnection(rg, 'hand-er-cn'),
    ]);
    expect(vnet!.subnets.find((s) => s.name === 'GatewaySubnet')!.addressPrefix).toBe('10.200.255.224/27');
    expect(isOwnedBy(vnet!.tags, `${rg}/hand-vnet`)).toBe(false);
    expect([vpn!.provisioningState, er!.provisioningState, cn!.provisioningState, erCn!.provisioningState]).toEqual(['Succeeded', 'Succeeded', 'Succeeded', 'Succeeded']);
    expect(await h.api.getSharedKey(rg, 'hand-cn-hq')).toBe(keyBefore);
    expect((await h.api.getPublicIp(rg, 'hand-vgw-ip'))!.ipAddress).toBe(ipBefore);
    const journal = await readKeyJournal(path.join(h.dir, '.tunnelsmith', 'keys'), `${rg}/hand-vnet`, 'hand-cn-hq');
    expect(journal?.current).toMatchObject({ origin: 'azure', key: keyBefore });

    h.emu.control.clearRequestLog();
    const again = await cli(['deploy', '--file', file]);
    expect([again.code, again.out]).toEqual([ExitCode.ok, expect.stringMatching(/Nothing to change/)]);
    expect(h.writes()).toEqual([]);
  });
});

test('--allow-recreate --yes skips the confirmation, but never deletes a connection the hub file does not describe', async () => {
  const rg = 'recreate-yes-rg';
  const other = { ...handBuiltSite({ key: 'OtherKey0123456789' }), lng: 'other-lng', connection: 'other-cn', publicIp: '40.50.60.80', prefixes: ['172.16.0.0/16'], bgp: undefined };
  await buildByHand(h, { rg, gatewaySubnet: '10.200.255.240/28', vpn: { name: 'hand-vgw', pip: 'hand-vgw-ip' }, sites: [handBuiltSite(), other] });
  const file = await hubFile(rg, handBuiltHubYaml({ rg, gatewaySubnet: '10.200.255.192/26' }));

  h.emu.control.clearRequestLog();
  const blocked = await cli(['deploy', '--allow-recreate', '--yes', '--file', file]);
  expect(blocked.code).toBe(ExitCode.azure);
  expect(blocked.err).toMatch(/1\. delete connections hand-cn-hq, other-cn .*Connection other-cn is not in the hub file, so tunnelsmith will not delete it: describe it as sites \(tunnelsmith import writes them\) or delete it yourself/);
  expect(h.writes()).toEqual([]);

  await h.api.deleteResource(rg, 'connections', 'other-cn');
  const r = await cli(['deploy', '--allow-recreate', '--yes', '--json', '--file', file]);
  expect(r.code).toBe(ExitCode.ok);
  const events = jsonLines(r.out);
  expect(events.find((e) => e.event === 'recreate')).toMatchObject({ from: '10.200.255.240/28', to: '10.200.255.192/26', steps: [expect.stringMatching(/^delete connection hand-cn-hq/), expect.stringMatching(/^delete gateway hand-vgw/), expect.any(String), expect.any(String)] });
  expect(events.find((e) => e.event === 'deployed')).toMatchObject({ recreated: ['connection hand-cn-hq', 'VPN gateway hand-vgw'] });
  expect((await h.api.getVnet(rg, 'hand-vnet'))!.subnets.find((s) => s.name === 'GatewaySubnet')!.addressPrefix).toBe('10.200.255.192/26');
});
