/**
 * `import` writes only what Azure holds: never the BGP peer's /32, never a prefix a local network gateway
 * does not hold. Each golden case's hub, deployed and then imported, deploys again with zero writes (the
 * APIPA case among them); a BGP site whose local network gateway is empty (the default now: Azure learns
 * its prefixes over BGP) gets an empty addressSpace the user writes, which import says.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { applyPlan } from '../../src/azure/deploy/apply';
import { planAzure } from '../../src/azure/deploy/plan';
import { createJournalKeyStore } from '../../src/azure/sharedKeys';
import { parseArmId } from '../../src/azure/client/sdk';
import type { GatewayModel } from '../../src/azure/client/model';
import { ExitCode } from '../../src/errors';
import type { Hub } from '../../src/hub/types';
import { discoverCases } from '../golden/cases';
import { cliRunner, type CliRun } from '../support/cli';
import { startHarness, type Harness } from '../support/emulator';
import { SUB } from '../support/hubs';

let h: Harness;
let cli: CliRun;
beforeAll(async () => {
  h = await startHarness();
  cli = await cliRunner(h);
});
afterAll(async () => {
  await h.close();
});

const NON_AZ = /^VpnGw[1-5]$/;

/** Deploys a golden hub as tunnelsmith would; a non-AZ VPN gateway (Azure no longer creates them) exists beforehand. */
async function deployGolden(hub: Hub): Promise<void> {
  const er = hub.azure.expressRoute;
  const circuit = er?.circuitId ? parseArmId(er.circuitId) : undefined;
  // A circuit in another subscription is connected with its owner's authorization key.
  const foreign = circuit !== undefined && circuit.subscriptionId !== SUB;
  const info = circuit ? h.emu.control.addProvisionedCircuit({ subscriptionId: circuit.subscriptionId, resourceGroup: circuit.resourceGroup, name: circuit.name, location: hub.azure.location, ...(foreign ? { authorizationKey: true } : {}) }) : undefined;
  if (foreign && er) er.authorizationKey = { env: 'ER_AUTH_KEY' };
  const secrets = async (ref: unknown) => (typeof ref === 'object' && ref !== null && 'env' in ref && (ref as { env: string }).env === 'ER_AUTH_KEY' ? info!.authorizationKey! : 'GoldenRoundTripKey0123456789abcdef');
  const deps = (plan: ReturnType<typeof planAzure>) => ({ keys: createJournalKeyStore({ journalDir: h.journalDir, hubId: plan.hubId, resolveSecret: secrets }), resolveSecret: secrets });
  const plan = planAzure(hub, SUB);
  if (NON_AZ.test(hub.azure.vpnGateway.sku)) {
    const before = { ...plan, resources: plan.resources.filter((r) => ['resourceGroup', 'virtualNetwork', 'publicIp'].includes(r.kind)) };
    await applyPlan(before, { api: h.api, hub, ...deps(before), busyPollMs: 10 });
    const vpn = plan.resources.find((r) => r.kind === 'vpnGateway')!;
    h.emu.control.setRules({ allowRetiredSkus: true });
    try {
      await h.api.putGateway(hub.azure.resourceGroup, { ...(vpn.desired as GatewayModel), tags: {} });
    } finally {
      h.emu.control.setRules({ allowRetiredSkus: false });
    }
  }
  const report = await h.deploy(hub, deps(plan));
  expect(report.waiting).toEqual([]);
}

describe.each(discoverCases().map((c) => [c.name, c] as const))('%s: deploy, import, deploy again', (name, c) => {
  test('the imported hub validates (once the BGP prefixes are written) and deploys with zero writes', async () => {
    h.emu.control.reset();
    const hub = structuredClone(c.hub);
    hub.azure.subscriptionId = SUB;
    await deployGolden(hub);

    const out = `imported-${name}.yaml`;
    const r = await cli(['import', '-g', hub.azure.resourceGroup, '--vnet', hub.azure.vnet.name, '--subscription', SUB, '--device', 'strongswan', '--out', out, '--json']);
    expect(r.code).toBe(ExitCode.ok);
    if (NON_AZ.test(hub.azure.vpnGateway.sku)) {
      expect(JSON.parse(r.out.trim()).notes).toContainEqual(expect.objectContaining({ path: 'azure.vpnGateway.sku', message: expect.stringMatching(/a non-AZ SKU Azure no longer creates; written as it is: deploy adopts it \(no write\), and Microsoft migrates it to VpnGw\dAZ itself/) }));
    }
    const text = await fs.readFile(path.join(h.dir, out), 'utf8');
    const imported = parse(text) as { sites: Array<{ connectionName: string; addressSpace: string[]; bgp?: { peerIp: string }; localNetworkGatewayPrefixes?: string[] }> };
    const report = JSON.parse(r.out.trim()) as { unknownPrefixes: number };

    // Never the peer's /32, never a prefix the local network gateway does not hold.
    for (const s of imported.sites) {
      const lng = (await h.api.getLocalNetworkGateway(hub.azure.resourceGroup, hub.sites.find((x) => x.connectionName === s.connectionName)!.localNetworkGatewayName))!;
      if (s.bgp) expect(s.addressSpace).not.toContain(`${s.bgp.peerIp}/32`);
      for (const p of s.addressSpace) expect(lng.addressPrefixes).toContain(p);
    }
    const bgpSitesWithEmptyLng = hub.sites.filter((s) => s.bgp && s.localNetworkGatewayPrefixes === undefined);
    expect(report.unknownPrefixes).toBe(bgpSitesWithEmptyLng.length);
    if (bgpSitesWithEmptyLng.length > 0) {
      expect(text).toMatch(/addressSpace: \[\] # tunnelsmith import: write the prefixes this site announces over BGP/);
      const refused = await cli(['validate', '--file', out]);
      expect(refused.code).toBe(ExitCode.invalidInput);
      expect(refused.err).toMatch(/addressSpace: needs at least one prefix/);
      // What the user writes: the prefixes the site announces.
      for (const s of imported.sites) if (s.addressSpace.length === 0) s.addressSpace = [...hub.sites.find((x) => x.connectionName === s.connectionName)!.addressSpace];
      await fs.writeFile(path.join(h.dir, out), stringify(imported));
    }
    const validate = await cli(['validate', '--file', out]);
    expect([validate.code, validate.err.split('\n').filter((l) => l.startsWith('error'))]).toEqual([ExitCode.ok, []]);

    h.emu.control.clearRequestLog();
    const plan = await cli(['deploy', '--plan', '--file', out]);
    expect([plan.code, plan.out]).toEqual([ExitCode.ok, expect.stringMatching(/Nothing to change\./)]);
    const deploy = await cli(['deploy', '--file', out]);
    expect(deploy.code).toBe(ExitCode.ok);
    expect(h.writes()).toEqual([]);
  });
});

test('an LNG holding the BGP peer\'s /32 (what an older deploy did): import leaves it out of addressSpace, says so, and deploy keeps it', async () => {
  h.emu.control.reset();
  const c = discoverCases().find((x) => x.name === 'demo')!;
  const hub = structuredClone(c.hub);
  hub.sites[0].localNetworkGatewayPrefixes = ['192.168.0.0/16', '192.168.255.1/32'];
  await deployGolden(hub);
  const r = await cli(['import', '-g', hub.azure.resourceGroup, '--subscription', SUB, '--device', 'cisco-ios', '--out', 'peer32.yaml']);
  expect(r.code).toBe(ExitCode.ok);
  expect(r.err).toMatch(/warning: sites\[0\]\.localNetworkGatewayPrefixes: local network gateway ra-hybrid-vpn-lgw lists the BGP peer's own 192\.168\.255\.1\/32, which Azure adds by itself; it is not written as a site prefix, and deploy leaves it on the gateway/);
  const imported = parse(await fs.readFile(path.join(h.dir, 'peer32.yaml'), 'utf8'));
  expect(imported.sites[0].addressSpace).toEqual(['192.168.0.0/16']);
  expect(JSON.stringify(imported)).not.toContain('192.168.255.1/32');
  h.emu.control.clearRequestLog();
  expect((await cli(['deploy', '--file', 'peer32.yaml'])).code).toBe(ExitCode.ok);
  expect(h.writes()).toEqual([]);
});
