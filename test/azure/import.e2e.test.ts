/**
 * `tunnelsmith import`: a hand-built resource group becomes a hub file; with the placeholder device
 * `validate` refuses it clearly; with `--device` it validates, and it round-trips: deploy adopts every
 * resource with zero writes.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ExitCode } from '../../src/errors';
import { cliRunner, type CliRun } from '../support/cli';
import { buildByHand, handBuiltSite, SECURE_POLICY } from './handBuilt';
import { seedCircuit, startHarness, type Harness } from '../support/emulator';
import { SUB } from '../support/hubs';

let h: Harness;
let cli: CliRun;
const rg = 'import-rg';
let circuitId: string;

beforeAll(async () => {
  h = await startHarness();
  cli = await cliRunner(h);
  circuitId = seedCircuit(h, rg, 'hand-erc');
  await buildByHand(h, {
    rg,
    rgLocation: 'westeurope',
    subnets: [{ name: 'apps', prefix: '10.200.1.0/24' }],
    er: { name: 'hand-ergw', pip: 'hand-ergw-ip', connection: { name: 'hand-er-cn', circuitId } },
    vpn: { name: 'hand-vgw', pip: 'hand-vgw-ip' },
    sites: [
      handBuiltSite(),
      { lng: 'branch-lng', connection: 'Branch_Office-2', publicIp: '40.50.60.80', prefixes: ['172.16.0.0/16', '172.17.0.0/16'], dpd: 30, sharedKey: 'BranchKey0123456789' },
    ],
  });
});
afterAll(async () => {
  await h.close();
});

test('import writes the hub file: explicit names, azure-default for a connection without a policy, a placeholder device', async () => {
  h.emu.control.clearRequestLog();
  const r = await cli(['import', '--resource-group', rg, '--out', 'imported.yaml']);
  expect(r.code).toBe(ExitCode.ok);
  expect(h.writes()).toEqual([]);
  expect(r.out).toMatch(/Wrote imported\.yaml from resource group import-rg: VNet hand-vnet, VPN gateway hand-vgw, ExpressRoute gateway hand-ergw, 2 site\(s\) \(branch-office-2, hand-cn-hq\)\./);
  expect(r.out).toMatch(/Next: write each site's device in imported\.yaml \(or import again with --device ID\); validate refuses the placeholder FILL-IN-DEVICE/);
  expect(r.err).toMatch(/warning: sites\[0\]\.ipsecPolicy: connection Branch_Office-2 has no custom IPsec policy: Azure's default proposals \(weak: DH group 2, no PFS\) stay, written as azure-default/);

  const text = await fs.readFile(path.join(h.dir, 'imported.yaml'), 'utf8');
  expect(text).toMatch(/^# Written by tunnelsmith import from resource group import-rg\./);
  expect(text).toMatch(/device: FILL-IN-DEVICE # tunnelsmith import: write the appliance: cisco-ios, juniper-srx, strongswan, windows-rras, fortigate or paloalto$/m);
  expect(text).toMatch(/addressSpace: \[ 172\.16\.0\.0\/16, 172\.17\.0\.0\/16 \]/);
  expect(parse(text)).toEqual({
    azure: {
      subscriptionId: SUB,
      resourceGroup: rg,
      location: 'centralus',
      vnet: { name: 'hand-vnet', addressSpace: ['10.200.0.0/16'], gatewaySubnet: '10.200.255.224/27', subnets: [{ name: 'apps', prefix: '10.200.1.0/24' }] },
      vpnGateway: { name: 'hand-vgw', sku: 'VpnGw1AZ', publicIpNames: ['hand-vgw-ip'] },
      expressRoute: { gatewayName: 'hand-ergw', sku: 'ErGw1AZ', circuitId, connectionName: 'hand-er-cn', publicIpName: 'hand-ergw-ip' },
    },
    sites: [
      {
        name: 'branch-office-2',
        device: 'FILL-IN-DEVICE',
        publicIp: '40.50.60.80',
        addressSpace: ['172.16.0.0/16', '172.17.0.0/16'],
        localNetworkGatewayName: 'branch-lng',
        connectionName: 'Branch_Office-2',
        ipsecPolicy: 'azure-default',
        dpdTimeoutSeconds: 30,
      },
      {
        name: 'hand-cn-hq',
        device: 'FILL-IN-DEVICE',
        publicIp: '40.50.60.70',
        addressSpace: ['192.168.0.0/16'],
        bgp: { asn: 65010, peerIp: '192.168.255.1' },
        localNetworkGatewayName: 'hand-lng-hq',
        connectionName: 'hand-cn-hq',
        ipsecPolicy: SECURE_POLICY,
      },
    ],
  });

  const validate = await cli(['validate', '--file', 'imported.yaml']);
  expect(validate.code).toBe(ExitCode.invalidInput);
  for (const i of [0, 1]) {
    expect(validate.err).toMatch(new RegExp(`error: sites\\[${i}\\]\\.device: is still FILL-IN-DEVICE, the placeholder tunnelsmith import writes: .*\\(fix: write the site's device: one of cisco-ios, juniper-srx, strongswan, windows-rras`));
  }

  const again = await cli(['import', '--resource-group', rg, '--out', 'imported.yaml']);
  expect(again.code).toBe(ExitCode.usage);
  expect(again.err).toMatch(/imported\.yaml exists; import does not overwrite a hub file/);
});

test('with --device the file validates and round-trips: deploy adopts everything with zero writes', async () => {
  const r = await cli(['import', '-g', rg, '--device', 'strongswan', '--out', 'roundtrip.yaml', '--json']);
  expect(r.code).toBe(ExitCode.ok);
  expect(JSON.parse(r.out.trim())).toMatchObject({ event: 'imported', file: 'roundtrip.yaml', sites: ['branch-office-2', 'hand-cn-hq'], placeholders: 0 });
  const validate = await cli(['validate', '--file', 'roundtrip.yaml']);
  expect(validate.code).toBe(ExitCode.ok);

  h.emu.control.clearRequestLog();
  const plan = await cli(['deploy', '--plan', '--file', 'roundtrip.yaml']);
  expect([plan.code, plan.out]).toEqual([ExitCode.ok, expect.stringMatching(/Nothing to change\./)]);
  const deploy = await cli(['deploy', '--file', 'roundtrip.yaml']);
  expect([deploy.code, deploy.out]).toEqual([ExitCode.ok, expect.stringMatching(/Nothing to change: import-rg\/hand-vnet is as the hub file describes\./)]);
  expect(h.writes()).toEqual([]);

  // The adopted setup renders with the keys Azure holds.
  const render = await cli(['render', '--file', 'roundtrip.yaml', '--out', 'out']);
  expect(render.code).toBe(ExitCode.ok);
  const swanctl = await fs.readFile(path.join(h.dir, 'out', 'branch-office-2', 'strongswan', 'swanctl.conf'), 'utf8');
  expect(swanctl).toContain('BranchKey0123456789');
});

test('import reports a retired SKU with Azure\'s migration path, and refuses what it cannot import', async () => {
  const retiredRg = 'import-retired-rg';
  h.emu.control.setRules({ allowRetiredSkus: true });
  try {
    await buildByHand(h, { rg: retiredRg, vpn: { name: 'old-vgw', pip: 'old-vgw-ip', sku: 'HighPerformance', enableBgp: false }, sites: [handBuiltSite({ bgp: false })] });
  } finally {
    h.emu.control.setRules({ allowRetiredSkus: false });
  }
  const r = await cli(['import', '-g', retiredRg, '--device', 'cisco-ios', '--out', 'retired.yaml']);
  expect(r.code).toBe(ExitCode.ok);
  expect(r.err).toMatch(/warning: azure\.vpnGateway\.sku: VPN gateway old-vgw has the retired HighPerformance SKU; written as VpnGw2AZ, its migration target, so deploy refuses until the gateway is migrated \(fix: the HighPerformance VPN gateway SKU is retired; Azure migrates HighPerformance gateways to VpnGw2AZ itself/);
  const text = await fs.readFile(path.join(h.dir, 'retired.yaml'), 'utf8');
  expect(text).toMatch(/sku: VpnGw2AZ # Azure holds the retired HighPerformance SKU/);
  const deploy = await cli(['deploy', '--plan', '--file', 'retired.yaml']);
  expect(deploy.code).toBe(ExitCode.azure);
  expect(deploy.err).toMatch(/azure\.vpnGateway\.sku: VPN gateway old-vgw is HighPerformance in Azure/);

  const missing = await cli(['import', '-g', 'no-such-rg', '--out', 'none.yaml']);
  expect(missing.code).toBe(ExitCode.azure);
  expect(missing.err).toMatch(/resource group no-such-rg does not exist/);
  const badDevice = await cli(['import', '-g', rg, '--device', 'sonicwall', '--out', 'none.yaml']);
  expect(badDevice.code).toBe(ExitCode.usage);
  await expect(fs.stat(path.join(h.dir, 'none.yaml'))).rejects.toMatchObject({ code: 'ENOENT' });
});
