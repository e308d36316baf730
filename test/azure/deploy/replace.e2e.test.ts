/**
 * What Azure cannot change in place is a replacement (delete + create), shown by `deploy --plan` and done
 * only with the confirmation of `deploy --allow-recreate`: a connection's protocol (IKEv1 <-> IKEv2,
 * refused in place with ConnectionProtocolCannotBeChanged) keeps the key the site has; an ExpressRoute
 * gateway SKU downgrade (refused in place) deletes its connection first and creates it again after.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { ExitCode } from '../../../src/errors';
import { readKeyJournal } from '../../../src/io/keyJournal';
import { createJournalKeyStore } from '../../../src/azure/sharedKeys';
import { planAzure } from '../../../src/azure/deploy/plan';
import { cliRunner, type CliRun } from '../../support/cli';
import { buildByHand, handBuiltHubYaml, handBuiltSite } from '../handBuilt';
import { seedCircuit, startHarness, type Harness } from '../../support/emulator';
import { demoHub, SUB } from '../../support/hubs';

let h: Harness;
let cli: CliRun;
beforeAll(async () => {
  h = await startHarness();
  cli = await cliRunner(h);
});
afterAll(async () => {
  await h.close();
});

const KEY = 'TheKeyTheDeviceHas0123456789abc';

async function hubFile(name: string, yaml: string): Promise<string> {
  const file = path.join(h.dir, `${name}.yaml`);
  await fs.writeFile(file, yaml);
  return file;
}

describe('an IKEv1 connection (the hub manages IKEv2)', () => {
  const rg = 'ikev1-rg';
  let file: string;
  beforeAll(async () => {
    await buildByHand(h, { rg, vpn: { name: 'hand-vgw', pip: 'hand-vgw-ip' }, sites: [handBuiltSite({ protocol: 'IKEv1', key: KEY })] });
    file = await hubFile(rg, handBuiltHubYaml({ rg }));
  });

  test('deploy --plan shows a replacement that needs --allow-recreate (exit 10), writes nothing', async () => {
    h.emu.control.clearRequestLog();
    const plan = await cli(['deploy', '--plan', '--file', file]);
    expect(plan.code).toBe(ExitCode.changesPending);
    expect(plan.out).toMatch(/Plan for ikev1-rg\/hand-vnet .*1 to replace \(delete and create again\)/);
    expect(plan.out).toMatch(/ {2}-\/\+ replace connection hand-cn-hq: connectionProtocol IKEv1 -> IKEv2: Azure cannot change a connection's protocol in place/);
    expect(plan.out).toMatch(/run tunnelsmith deploy --allow-recreate to do them/);
    const json = JSON.parse((await cli(['deploy', '--plan', '--json', '--file', file])).out.trim());
    expect(json.changes).toContainEqual({ action: 'replace', resource: 'ipsecConnection:hand-cn-hq', fields: [expect.stringMatching(/^connectionProtocol IKEv1 -> IKEv2/)], needs: '--allow-recreate', what: 'connection hand-cn-hq' });
    expect(h.writes()).toEqual([]);
  });

  test('deploy without --allow-recreate refuses (exit 4) before any write; without a terminal --allow-recreate needs --yes', async () => {
    h.emu.control.clearRequestLog();
    const r = await cli(['deploy', '--file', file]);
    expect(r.code).toBe(ExitCode.azure);
    expect(r.err).toMatch(/error \[ReplacementNeedsConfirmation\]: Azure cannot make this change in place; nothing was changed:\n {2}sites\[0\]: delete and create again connection hand-cn-hq: connectionProtocol IKEv1 -> IKEv2/);
    expect(r.err).toMatch(/next: run tunnelsmith deploy --allow-recreate/);
    const noTty = await cli(['deploy', '--allow-recreate', '--file', file]);
    expect(noTty.code).toBe(ExitCode.usage);
    expect(h.writes()).toEqual([]);
    expect((await h.api.getConnection(rg, 'hand-cn-hq'))!.connectionProtocol).toBe('IKEv1');
  });

  test('deploy --allow-recreate --yes: the connection is created again as IKEv2 with the key the site has, journaled first', async () => {
    h.emu.control.clearRequestLog();
    const r = await cli(['deploy', '--allow-recreate', '--yes', '--file', file]);
    expect(r.code).toBe(ExitCode.ok);
    expect(r.out).toMatch(/Azure cannot make these changes to ikev1-rg\/hand-vnet in place; tunnelsmith deletes and creates again:\n {2}1\. delete and create again connection hand-cn-hq: connectionProtocol IKEv1 -> IKEv2: .*the new connection gets the shared key the site has now/);
    const cn = (await h.api.getConnection(rg, 'hand-cn-hq'))!;
    expect([cn.connectionProtocol, cn.provisioningState]).toEqual(['IKEv2', 'Succeeded']);
    expect(await h.api.getSharedKey(rg, 'hand-cn-hq')).toBe(KEY);
    const entry = await readKeyJournal(path.join(h.dir, '.tunnelsmith', 'keys'), `${rg}/hand-vnet`, 'hand-cn-hq');
    expect(entry?.current).toMatchObject({ key: KEY, origin: 'azure', state: 'active' });
    const writes = h.writes().filter((w) => /connections\/hand-cn-hq/.test(w.path)).map((w) => `${w.method} ${w.status}`);
    expect(writes).toEqual(['DELETE 202', 'PUT 201']);
    expect(`${r.out}${r.err}`).not.toContain(KEY);
    const again = await cli(['deploy', '--plan', '--file', file]);
    expect([again.code, again.out]).toEqual([ExitCode.ok, expect.stringMatching(/Nothing to change\./)]);
  });
});

test('stopped between the delete and the create, the next deploy creates the connection with the kept key, not the reference\'s', async () => {
  const rg = 'ikev1-kill-rg';
  await buildByHand(h, { rg, vpn: { name: 'hand-vgw', pip: 'hand-vgw-ip' }, sites: [handBuiltSite({ protocol: 'IKEv1', key: KEY })] });
  const hub = demoHub({ rg });
  delete hub.azure.expressRoute;
  hub.azure.vnet = { name: 'hand-vnet', addressSpace: ['10.200.0.0/16'], gatewaySubnet: '10.200.255.224/27', subnets: [] };
  hub.azure.vpnGateway = { ...hub.azure.vpnGateway, name: 'hand-vgw', publicIpNames: ['hand-vgw-ip'] };
  hub.sites[0] = { ...hub.sites[0], localNetworkGatewayName: 'hand-lng-hq', connectionName: 'hand-cn-hq', sharedKey: { env: 'HQ_PSK' } };
  const journalDir = path.join(h.dir, 'kill', '.tunnelsmith', 'keys');
  const resolveSecret = async () => 'TheReferenceNamesAnotherKey0123';
  const keys = createJournalKeyStore({ journalDir, hubId: `${rg}/hand-vnet`, resolveSecret });
  const allowReplace = ['ipsecConnection:hand-cn-hq'];
  h.emu.control.addFault({ kind: '500', method: 'PUT', path: '/connections/hand-cn-hq$', rate: 1 });
  const failed = await h.deploy(hub, { keys, resolveSecret, allowReplace, transientTimeoutMs: 300 }).then(() => undefined, (e: unknown) => e);
  expect(failed).toMatchObject({ code: 'AzureUnavailable' });
  h.emu.control.clearFaults();
  expect(await h.api.getConnection(rg, 'hand-cn-hq')).toBeUndefined();
  expect((await readKeyJournal(journalDir, `${rg}/hand-vnet`, 'hand-cn-hq'))?.current).toMatchObject({ key: KEY, origin: 'azure', state: 'pending' });

  const report = await h.deploy(hub, { keys, resolveSecret });
  expect(report.changes.find((c) => c.resource.key === 'ipsecConnection:hand-cn-hq')!.action).toBe('create');
  expect(await h.api.getSharedKey(rg, 'hand-cn-hq')).toBe(KEY);
  expect((await readKeyJournal(journalDir, `${rg}/hand-vnet`, 'hand-cn-hq'))?.current).toMatchObject({ key: KEY, state: 'active' });
  expect(report.warnings).toContainEqual(expect.objectContaining({ path: 'sites[0].sharedKey', message: expect.stringMatching(/differs from the key Azure holds/) }));
});

test('an ExpressRoute gateway SKU downgrade: replaced after confirmation, its connection deleted first and created again', async () => {
  const rg = 'erdown-rg';
  const hub = demoHub({ rg });
  hub.azure.expressRoute!.circuitId = seedCircuit(h, `${rg}-provider`);
  hub.azure.expressRoute!.sku = 'ErGw3AZ';
  await h.deploy(hub);
  const down = structuredClone(hub);
  down.azure.expressRoute!.sku = 'ErGw1AZ';
  const file = await hubFile(rg, stringify(down));
  h.emu.control.clearRequestLog();
  const plan = await cli(['deploy', '--plan', '--file', file]);
  expect(plan.code).toBe(ExitCode.changesPending);
  expect(plan.out).toMatch(/-\/\+ replace ExpressRoute gateway ra-hybrid-er-vgw: sku ErGw3AZ -> ErGw1AZ: Azure upgrades an ExpressRoute gateway in place but never downgrades it/);
  expect(plan.out).toMatch(/\+ create ExpressRoute connection ra-hybrid-er-cn: created again once ExpressRoute gateway ra-hybrid-er-vgw is replaced/);
  const refused = await cli(['deploy', '--file', file]);
  expect(refused.code).toBe(ExitCode.azure);
  expect(refused.err).toMatch(/azure\.expressRoute\.sku: delete and create again ExpressRoute gateway ra-hybrid-er-vgw: sku ErGw3AZ -> ErGw1AZ.*; ExpressRoute connection ra-hybrid-er-cn is deleted first and created again after it/);
  expect(h.writes()).toEqual([]);

  const r = await cli(['deploy', '--allow-recreate', '--yes', '--file', file]);
  expect(r.code).toBe(ExitCode.ok);
  expect((await h.api.getGateway(rg, 'ra-hybrid-er-vgw'))).toMatchObject({ sku: 'ErGw1AZ', provisioningState: 'Succeeded' });
  expect((await h.api.getConnection(rg, 'ra-hybrid-er-cn'))).toMatchObject({ provisioningState: 'Succeeded' });
  const order = h.writes().filter((w) => /ra-hybrid-er-(vgw|cn)$/.test(w.path)).map((w) => `${w.method} ${w.path.split('/').slice(-2).join('/')}`);
  expect(order).toEqual(['DELETE connections/ra-hybrid-er-cn', 'DELETE virtualNetworkGateways/ra-hybrid-er-vgw', 'PUT virtualNetworkGateways/ra-hybrid-er-vgw', 'PUT connections/ra-hybrid-er-cn']);
  // The same public IP: the gateway keeps its address.
  expect((await h.api.getGateway(rg, 'ra-hybrid-er-vgw'))!.ipConfigurations[0].publicIpId).toMatch(/ra-hybrid-er-vgw-pip1$/);
  expect(planAzure(down, SUB).resources.length).toBeGreaterThan(0);
});
