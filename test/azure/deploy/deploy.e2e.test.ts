/** Deploy end to end: the real SDK against the emulator. */
import { diffAgainstAzure } from '../../../src/azure/deploy/read';
import { TAG_HUB, TAG_MANAGED_BY } from '../../../src/azure/client/model';
import { planAzure } from '../../../src/azure/deploy/plan';
import { readKeyJournal } from '../../../src/io/keyJournal';
import { seedCircuit, startHarness, type Harness } from '../../support/emulator';
import { demoHub, site, SUB } from '../../support/hubs';
import type { Hub } from '../../../src/hub/types';

const RG = 'deploy-rg';
let h: Harness;
let hub: Hub;

beforeAll(async () => {
  h = await startHarness();
  // The provider's circuit lives in its own group, so tunnelsmith creates (and tags) the hub's group.
  const circuit = seedCircuit(h, 'provider-rg');
  hub = demoHub({ rg: RG });
  hub.azure.expressRoute!.circuitId = circuit;
});
afterAll(async () => {
  await h.close();
});

describe('deploy against the emulator', () => {
  test('from empty: every resource created with the tags, the two gateways at once', async () => {
    const report = await h.deploy(hub);
    expect(report.changes.map((c) => c.action)).toEqual(Array(9).fill('create'));
    expect(report.writes).toBe(9);
    expect(report.waiting).toEqual([]);
    const tags = { [TAG_MANAGED_BY]: 'tunnelsmith', [TAG_HUB]: `${RG}/ra-hybrid-vpn-er-vnet` };
    expect((await h.api.getResourceGroup(RG))!.tags).toEqual(tags);
    const vpn = (await h.api.getGateway(RG, 'ra-hybrid-vpn-vgw'))!;
    expect(vpn).toMatchObject({ tags, gatewayType: 'Vpn', vpnType: 'RouteBased', sku: 'VpnGw1AZ', enableBgp: true, asn: 65515, provisioningState: 'Succeeded' });
    const cn = (await h.api.getConnection(RG, 'ra-hybrid-vpn-cn'))!;
    expect(cn).toMatchObject({ tags, connectionType: 'IPsec', connectionProtocol: 'IKEv2', enableBgp: true, dpdTimeoutSeconds: 45, ipsecPolicy: hub.sites[0].ipsecPolicy });
    expect((await h.api.getConnection(RG, 'ra-hybrid-er-cn'))!.circuitId).toBe(hub.azure.expressRoute!.circuitId);
    for (const pip of ['ra-hybrid-vpn-vgw-pip1', 'ra-hybrid-er-vgw-pip1']) {
      expect(await h.api.getPublicIp(RG, pip)).toMatchObject({ sku: 'Standard', allocation: 'Static', ipAddress: expect.stringMatching(/^203\.0\.113\./) });
    }
    // Every started operation ended, and both gateways were being built before either was done.
    const starts = h.events.filter((e) => e.type === 'start').map((e) => (e as { id: string }).id);
    const ends = h.events.filter((e) => e.type === 'end' && e.outcome === 'done').map((e) => (e as { id: string }).id);
    expect(ends.sort()).toEqual(starts.sort());
    const at = (type: string, id: string) => h.events.findIndex((e) => e.type === type && 'id' in e && e.id === id);
    const firstDone = Math.min(at('end', 'erGateway:ra-hybrid-er-vgw'), at('end', 'vpnGateway:ra-hybrid-vpn-vgw'));
    expect(Math.max(at('start', 'erGateway:ra-hybrid-er-vgw'), at('start', 'vpnGateway:ra-hybrid-vpn-vgw'))).toBeLessThan(firstDone);
  });

  test('the generated key was journaled and is the key Azure holds', async () => {
    const entry = (await readKeyJournal(h.journalDir, `${RG}/ra-hybrid-vpn-er-vnet`, 'ra-hybrid-vpn-cn'))!;
    expect(entry.current).toMatchObject({ origin: 'generated', state: 'active' });
    expect(entry.current.key).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(await h.api.getSharedKey(RG, 'ra-hybrid-vpn-cn')).toBe(entry.current.key);
  });

  test('a second run makes zero writes', async () => {
    h.emu.control.clearRequestLog();
    const report = await h.deploy(hub);
    expect(report.changes.every((c) => c.action === 'noop')).toBe(true);
    expect(report.writes).toBe(0);
    expect(h.writes()).toEqual([]);
  });

  test('--plan shows a changed field and writes nothing; deploy then writes only that resource, keeping the key', async () => {
    const keyBefore = await h.api.getSharedKey(RG, 'ra-hybrid-vpn-cn');
    const changed: Hub = { ...hub, sites: [site({ dpdTimeoutSeconds: 30 })] };
    h.emu.control.clearRequestLog();
    const diff = await diffAgainstAzure(h.api, planAzure(changed, SUB));
    expect(diff.changes.filter((c) => c.action !== 'noop').map((c) => [c.action, c.resource.key, c.fields])).toEqual([
      ['update', 'ipsecConnection:ra-hybrid-vpn-cn', ['dpdTimeoutSeconds: 45 -> 30']],
    ]);
    expect(h.writes()).toEqual([]);
    const report = await h.deploy(changed);
    expect(report.writes).toBe(1);
    expect(h.writes().map((w) => `${w.method} ${w.path.split('/').slice(-2).join('/')}`)).toEqual(['PUT connections/ra-hybrid-vpn-cn']);
    expect((await h.api.getConnection(RG, 'ra-hybrid-vpn-cn'))!.dpdTimeoutSeconds).toBe(30);
    expect(await h.api.getSharedKey(RG, 'ra-hybrid-vpn-cn')).toBe(keyBefore);
    await h.deploy(hub);
  });

  test('a site reference names the key at creation; later disagreement only warns, never changes the key', async () => {
    const refKey = 'RefKey9Hq2Lm7Xc4Vb1Nz8Kp5Tw3Rd6Fg0Js';
    const withRef: Hub = { ...hub, sites: [...hub.sites, site({ name: 'branch', publicIp: '40.50.60.80', addressSpace: ['172.16.0.0/16'], bgp: undefined, localNetworkGatewayName: 'lng-branch', connectionName: 'cn-branch', sharedKey: { env: 'BRANCH_PSK' } })] };
    let current = refKey;
    const resolveSecret = async () => current;
    await h.deploy(withRef, { resolveSecret });
    expect(await h.api.getSharedKey(RG, 'cn-branch')).toBe(refKey);
    const entry = (await readKeyJournal(h.journalDir, `${RG}/ra-hybrid-vpn-er-vnet`, 'cn-branch'))!;
    expect(entry.current).toMatchObject({ origin: 'reference', state: 'active', key: refKey });

    current = 'OtherKey1Aa2Bb3Cc4Dd5Ee6Ff7Gg8Hh';
    h.emu.control.clearRequestLog();
    const report = await h.deploy(withRef, { resolveSecret });
    expect(h.writes()).toEqual([]);
    expect(await h.api.getSharedKey(RG, 'cn-branch')).toBe(refKey);
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0].path).toBe('sites[1].sharedKey');
    expect(report.warnings[0].message).toMatch(/differs from the key Azure holds for connection cn-branch/);
    expect(JSON.stringify(report.warnings) + JSON.stringify(h.events)).not.toMatch(new RegExp(`${refKey}|${current}`));
  });
});

describe('read-back of an active-active gateway with APIPA BGP', () => {
  test('two instances pair public IPs with BGP addresses; the APIPA site peers with the custom addresses', async () => {
    const { readBackFacts } = await import('../../../src/azure/readBack');
    const aa = demoHub({
      rg: 'aa-rg',
      activeActive: true,
      apipa: ['169.254.21.1', '169.254.22.1'],
      sites: [
        site({ bgp: { asn: 65010, peerIp: '169.254.21.2' } }),
        site({ name: 'dc', publicIp: '40.50.60.90', addressSpace: ['172.20.0.0/16'], bgp: { asn: 65020, peerIp: '172.20.255.1' }, localNetworkGatewayName: 'lng-dc', connectionName: 'cn-dc' }),
      ],
    });
    delete aa.azure.expressRoute;
    await h.deploy(aa);
    const facts = await readBackFacts(h.api, aa, { includeKeys: true });
    const [i0, i1] = facts.vpnGateway.instances;
    expect(facts.vpnGateway.activeActive).toBe(true);
    expect([i0.index, i1.index]).toEqual([0, 1]);
    const pips = await Promise.all(['ra-hybrid-vpn-vgw-pip1', 'ra-hybrid-vpn-vgw-pip2'].map((n) => h.api.getPublicIp('aa-rg', n)));
    expect([i0.publicIp, i1.publicIp]).toEqual(pips.map((p) => p!.ipAddress));
    expect(i0.publicIp).not.toBe(i1.publicIp);
    expect([i0.apipaBgpIps, i1.apipaBgpIps]).toEqual([['169.254.21.1'], ['169.254.22.1']]);
    expect(i0.defaultBgpIp).not.toBe(i1.defaultBgpIp);
    const hq = facts.sites.find((s) => s.name === 'hq')!;
    const dc = facts.sites.find((s) => s.name === 'dc')!;
    expect(hq.azureBgpIps).toEqual(['169.254.21.1', '169.254.22.1']);
    expect(dc.azureBgpIps).toEqual([i0.defaultBgpIp, i1.defaultBgpIp]);
    expect(hq.sharedKey).toBe(await h.api.getSharedKey('aa-rg', hq.connectionName));
    expect(hq.sharedKey).not.toBe(dc.sharedKey);

    // Answers without tunnelIpAddresses and with the BGP entries in the reverse order of the IP
    // configurations: the pairs (and the instances' order, the gateway's own) stay the same.
    const gw = (await h.api.getGateway('aa-rg', 'ra-hybrid-vpn-vgw'))!;
    const bgpOfPip = (i: number) => gw.bgpPeeringAddresses.find((b) => b.ipConfigurationId.toLowerCase() === gw.ipConfigurations[i].id!.toLowerCase())!.defaultBgpIps[0];
    expect([i0.defaultBgpIp, i1.defaultBgpIp]).toEqual([bgpOfPip(0), bgpOfPip(1)]);
    h.emu.control.setRules({ omitTunnelIpAddresses: true, reverseBgpPeeringAddresses: true });
    try {
      const again = await readBackFacts(h.api, aa, { includeKeys: false });
      expect(again.vpnGateway.instances).toEqual(facts.vpnGateway.instances);
      expect(again.sites.map((s) => [s.name, s.azureBgpIps])).toEqual(facts.sites.map((s) => [s.name, s.azureBgpIps]));
    } finally {
      h.emu.control.setRules({ omitTunnelIpAddresses: false, reverseBgpPeeringAddresses: false });
    }
  });
});
