import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { DEVICES } from '../../src/devices/registry';
import type { AzureFacts } from '../../src/facts/types';
import type { Hub } from '../../src/hub/types';
import { validateHub } from '../../src/hub/validate';
import { buildSiteContext, REDACTED_KEY_PLACEHOLDER } from '../../src/render/context';
import { planRender } from '../../src/render/plan';

const FIX = path.resolve(__dirname, '..', '..', 'fixtures');
function load(name: string): { hub: Hub; facts: AzureFacts } {
  const r = validateHub(parse(readFileSync(path.join(FIX, name, 'hub.yaml'), 'utf8')), { devices: DEVICES });
  if (!r.hub) throw new Error('fixture invalid');
  return { hub: r.hub, facts: JSON.parse(readFileSync(path.join(FIX, name, 'facts.json'), 'utf8')) };
}

describe('buildSiteContext', () => {
  const { hub, facts } = load('active-active-bgp');
  const site = hub.sites[0];

  it('pairs each gateway instance with its BGP address and keeps the BGP mode', () => {
    const r = buildSiteContext({ hub, facts, site, device: DEVICES['juniper-srx'], sharedKey: 'k1' });
    if (!r.ok) throw new Error('expected ok');
    expect(r.ctx.tunnels).toEqual([
      { index: 0, number: 1, azurePublicIp: '203.0.113.21', azureBgpIp: '10.10.255.30' },
      { index: 1, number: 2, azurePublicIp: '203.0.113.22', azureBgpIp: '10.10.255.29' },
    ]);
    expect(r.ctx.bgp).toMatchObject({ localAsn: 65010, localIp: '172.16.255.1', azureAsn: 65515, mode: 'multihop' });
    expect(r.ctx.expressRouteBackup).toBe(true);
    expect(r.ctx.outsideAddress).toBe('10.0.0.5');
  });

  it("overlays the site's device options only on its own device, never the common outsideAddress", () => {
    const own = buildSiteContext({ hub, facts, site, device: DEVICES['juniper-srx'], sharedKey: 'k' });
    const other = buildSiteContext({ hub, facts, site, device: DEVICES['cisco-ios'], sharedKey: 'k' });
    if (!own.ok || !other.ok) throw new Error('expected ok');
    expect(own.ctx.options.externalInterface).toBe('ge-0/0/1.0');
    expect(own.ctx.options).not.toHaveProperty('outsideAddress');
    expect(other.ctx.options.outsideInterface).toBe('GigabitEthernet1');
  });

  it('uses the placeholder when the key is redacted', () => {
    const r = buildSiteContext({ hub, facts, site, device: DEVICES.strongswan, sharedKey: undefined });
    if (!r.ok) throw new Error('expected ok');
    expect(r.ctx.sharedKey).toBe(REDACTED_KEY_PLACEHOLDER);
    expect(r.ctx.keyRedacted).toBe(true);
  });

  it('refuses facts with more than two gateway instances, none, or missing BGP addresses', () => {
    const three: AzureFacts = { ...facts, vpnGateway: { ...facts.vpnGateway, instances: [...facts.vpnGateway.instances, { index: 2, publicIp: '203.0.113.23', defaultBgpIp: '10.10.255.28', apipaBgpIps: [] }] } };
    const r3 = buildSiteContext({ hub, facts: three, site, device: DEVICES['cisco-ios'], sharedKey: 'k' });
    expect(r3.ok ? [] : r3.problems.map((p) => p.path)).toContain('facts.vpnGateway.instances');
    const none: AzureFacts = { ...facts, vpnGateway: { ...facts.vpnGateway, instances: [] } };
    const r0 = buildSiteContext({ hub, facts: none, site, device: DEVICES['cisco-ios'], sharedKey: 'k' });
    expect(r0.ok ? [] : r0.problems.map((p) => p.path)).toContain('facts.vpnGateway.instances');
    const noBgp: AzureFacts = { ...facts, sites: facts.sites.map((s) => ({ ...s, azureBgpIps: [] })) };
    const rb = buildSiteContext({ hub, facts: noBgp, site, device: DEVICES['cisco-ios'], sharedKey: 'k' });
    expect(rb.ok ? [] : rb.problems.map((p) => p.path)).toEqual(['facts.sites[dc1].azureBgpIps']);
  });

  it('refuses a site the facts do not hold', () => {
    const r = buildSiteContext({ hub, facts: { ...facts, sites: [] }, site, device: DEVICES['cisco-ios'], sharedKey: 'k' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ path: 'facts.sites[dc1]', severity: 'error' });
  });

  it('recognizes APIPA BGP', () => {
    const apipa = load('apipa-bgp');
    const r = buildSiteContext({ hub: apipa.hub, facts: apipa.facts, site: apipa.hub.sites[0], device: DEVICES.strongswan, sharedKey: 'k' });
    if (!r.ok) throw new Error('expected ok');
    expect(r.ctx.bgp?.mode).toBe('apipa');
    expect(r.ctx.tunnels.map((t) => t.azureBgpIp)).toEqual(['169.254.21.1', '169.254.22.1']);
  });
});

describe('planRender', () => {
  it('reports every refused pair together and renders nothing', () => {
    const { hub, facts } = load('gcm-ecp384');
    const r = planRender({ hub, facts, device: 'all', keys: { lab: 'abc' }, redact: false }, DEVICES);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems.map((p) => p.path)).toContain('sites[0].ipsecPolicy.ikeEncryption');
      expect(r.problems.every((p) => p.message.startsWith('windows-rras:'))).toBe(true);
    }
  });

  it('names the site and the ways out when a key is missing', () => {
    const { hub, facts } = load('demo');
    const r = planRender({ hub, facts, device: 'own', keys: {}, redact: false }, DEVICES);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual([expect.objectContaining({ path: 'sites[0].sharedKey', fix: expect.stringContaining('--redact') })]);
  });

  it('refuses an unknown --site with the known names', () => {
    const { hub, facts } = load('three-sites');
    const r = planRender({ hub, facts, device: 'own', site: 'nope', keys: {}, redact: true }, DEVICES);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0].fix).toBe('use one of: branch-a, branch-b, branch-c');
  });

  it('renders one site when asked, with the devices requested', () => {
    const { hub, facts } = load('three-sites');
    const r = planRender({ hub, facts, device: 'strongswan', site: 'branch-b', keys: {}, redact: true }, DEVICES);
    if (!r.ok) throw new Error('expected ok');
    expect(r.sites.map((s) => [s.site, s.devices.map((d) => d.deviceId)])).toEqual([['branch-b', ['strongswan']]]);
    expect(r.sites[0].devices[0].files.map((f) => f.path).sort()).toEqual(['frr.conf', 'strongswan.d/tunnelsmith.conf', 'swanctl.conf', 'tunnel-setup.sh']);
  });
});
