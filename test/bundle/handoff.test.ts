import { buildSiteBundle } from '../../src/bundle/build';
import type { Manifest } from '../../src/bundle/manifest';
import { bulletLines, codeBulletLines, numberedLines } from '../../src/bundle/handoffView';
import { buildTopologyDiagram } from '../../src/bundle/topologyDiagram';
import type { ProcedureInput } from '../../src/devices/kit/procedure';
import type { SiteRenderPlan } from '../../src/render/plan';
import { templateEngine } from '../../src/render/engine';
import { FAKE_DEVICES, fakeDevice, KEY, siteContext, sitePlan } from './helpers/plan';

const META = { toolVersion: '9.9.9', hubDigest: 'd'.repeat(64), redacted: false };

function readmeOf(files: ReturnType<typeof buildSiteBundle>): string {
  return files.find((f) => f.path === 'README.md')?.content as string;
}

describe('handoff README', () => {
  const readme = readmeOf(buildSiteBundle(sitePlan(), META, templateEngine, FAKE_DEVICES));

  it('names each device with its minimum OS version and its files', () => {
    expect(readme).toContain('| Fake cisco-ios (`cisco-ios`) | cisco-ios OS 9.9 and later | `cisco-ios/azure-vpn.cfg` (holds the key) |');
    expect(readme).toContain('`strongswan/tunnel-setup.sh`');
  });

  it('has the parameter table: Azure IPs, BGP addresses, ASNs, prefixes, policy', () => {
    for (const row of [
      '| Azure instance 1 public IP | 203.0.113.4 |',
      '| Azure instance 2 public IP | 203.0.113.5 |',
      '| Azure instance 2 BGP address | 10.200.255.253 |',
      '| Azure ASN | 65515 |',
      '| On-premises prefixes | 192.168.0.0/16 |',
      '| Azure VNet prefixes | 10.200.0.0/16 |',
      '| IKEv2 proposal (Azure names) | AES256/SHA256/DHGroup14 |',
      '| PFS / SA lifetime | PFS2048 / 27000 s, 102400000 KB |',
    ]) {
      expect(readme).toContain(row);
    }
    expect(readme).toMatch(/BGP: on-prem ASN 65010/);
  });

  it('draws the topology in Mermaid: ExpressRoute primary, one dotted tunnel per Azure instance', () => {
    const block = readme.split('```mermaid\n')[1]?.split('```')[0] as string;
    expect(block.startsWith('flowchart LR\n')).toBe(true);
    expect(block).toContain('appliance -.->|"tunnel 1 to 203.0.113.4, BGP 10.200.255.254 (backup)"| vpngw');
    expect(block).toContain('appliance -.->|"tunnel 2 to 203.0.113.5, BGP 10.200.255.253 (backup)"| vpngw');
    expect(block).toContain('edge ==>|"ExpressRoute circuit (primary)"| ergw');
    expect(block).toContain('AS 65010');
    // Every subgraph is closed.
    expect(block.match(/subgraph /g)?.length).toBe(block.match(/^\s*end$/gm)?.length);
  });

  it('a VPN-only hub has no ExpressRoute in the diagram, and one tunnel for one instance', () => {
    const ctx = siteContext({ expressRouteBackup: false, tunnels: [{ index: 0, number: 1, azurePublicIp: '203.0.113.9' }], bgp: undefined as never });
    delete (ctx as { bgp?: unknown }).bgp;
    const lines = buildTopologyDiagram(ctx, ['Fake']);
    expect(lines.join('\n')).not.toMatch(/ExpressRoute/);
    expect(lines.filter((l) => l.includes('-.->'))).toEqual(['  appliance -.->|"tunnel 1 to 203.0.113.9"| vpngw']);
  });

  it('gives per-device steps to apply, verify and roll back, naming the files', () => {
    expect(readme).toContain('## Fake cisco-ios: apply, verify, roll back');
    expect(readme).toContain('`configure replace flash:pre-tunnelsmith.cfg`');
    expect(readme).toContain('`show ip bgp summary`');
    expect(readme).toContain('Copy `strongswan/swanctl.conf` to `/etc/swanctl/conf.d/azure.conf`');
    expect(readme).toContain('Merge `strongswan/frr.conf`');
    expect(readme).toContain('`swanctl --list-sas`');
    expect(readme).toMatch(/## Failover test/);
    expect(readme).toMatch(/active-active: configure both tunnels/);
  });

  it('builds a device procedure once per distinct input (files, BGP, tunnel count), shared by the sites that have it', () => {
    const inputs: ProcedureInput[] = [];
    const procedure = (input: ProcedureInput) => {
      inputs.push(input);
      return { before: [], apply: [`Copy ${input.files.join(' and ')} (${input.tunnels} tunnels).`], verify: [], rollback: [] };
    };
    const devices = { ...FAKE_DEVICES, 'cisco-ios': fakeDevice('cisco-ios', { procedure }) };
    const one = sitePlan();
    const readmes = [one, sitePlan(), { ...one, context: { ...one.context, tunnels: one.context.tunnels.slice(0, 1) } }].map((plan) =>
      readmeOf(buildSiteBundle(plan, META, templateEngine, devices)),
    );
    expect(inputs.map((i) => i.tunnels)).toEqual([2, 1]);
    expect(readmes[1]).toBe(readmes[0]);
    expect(readmes[0]).toContain('1. Copy cisco-ios/azure-vpn.cfg (2 tunnels).\n');
    expect(readmes[2]).toContain('1. Copy cisco-ios/azure-vpn.cfg (1 tunnels).\n');
  });

  it('lists the steps one a line, numbers the apply steps, and keeps one blank line after a list, empty or not', () => {
    const steps = { before: [], apply: ['Copy `a`.', 'Save.'], verify: ['Ping.'], rollback: ['Restore `b`.'] };
    const devices = { ...FAKE_DEVICES, 'cisco-ios': fakeDevice('cisco-ios', { procedure: () => steps }) };
    const text = readmeOf(buildSiteBundle({ ...sitePlan(), devices: [sitePlan().devices[0] as SiteRenderPlan['devices'][number]] }, META, templateEngine, devices));
    const section = text.slice(text.indexOf('Before:'), text.indexOf('\n## ', text.indexOf('Before:')));
    expect(section).toBe(
      'Before:\n\nApply:\n1. Copy `a`.\n2. Save.\n\nVerify (the end of the device file lists the same checks):\n- Ping.\n' +
        '- On the Azure side, `tunnelsmith verify` reports connection `' +
        sitePlan().context.azure.connectionName +
        '` as Connected and its BGP peers.\n\nRoll back:\n- Restore `b`.\n',
    );
    expect(bulletLines([])).toBe('');
    expect(bulletLines(['a', 'b'])).toBe('- a\n- b\n');
    expect(numberedLines(['a', 'b'])).toBe('1. a\n2. b\n');
    expect(codeBulletLines([])).toBe('');
    expect(codeBulletLines(['group 14', 'set pfs group20'])).toBe('- `group 14`\n- `set pfs group20`\n');
  });

  it('tells the engineer to insert the key only when redacted', () => {
    expect(readme).not.toContain('__TUNNELSMITH_SHARED_KEY__');
    const redacted = readmeOf(buildSiteBundle(sitePlan('__TUNNELSMITH_SHARED_KEY__'), { ...META, redacted: true }, templateEngine, FAKE_DEVICES));
    expect(redacted).toContain('Replace the placeholder `__TUNNELSMITH_SHARED_KEY__`');
  });

  it('shows the policy in the device own words when the device provides them', () => {
    const devices = { ...FAKE_DEVICES, 'cisco-ios': fakeDevice('cisco-ios', { policyWords: () => ['encryption aes-cbc-256', 'group 14'] }) };
    const text = readmeOf(buildSiteBundle(sitePlan(), META, templateEngine, devices));
    expect(text).toContain('### The policy in Fake cisco-ios terms');
    expect(text).toContain('### The policy in Fake cisco-ios terms\n\n- `encryption aes-cbc-256`\n- `group 14`\n\n');
  });

  it('never puts the key in the README or the manifest', () => {
    const files = buildSiteBundle(sitePlan(), META, templateEngine, FAKE_DEVICES);
    expect(readme).not.toContain(KEY);
    const manifest = JSON.parse(files.find((f) => f.path === 'manifest.json')?.content as string) as Manifest;
    expect(JSON.stringify(manifest)).not.toContain(KEY);
    expect(manifest.files.find((f) => f.path === 'cisco-ios/azure-vpn.cfg')).toMatchObject({ secret: true, mode: '0600' });
    expect(manifest.files.find((f) => f.path === 'strongswan/tunnel-setup.sh')).toMatchObject({ secret: false, mode: '0755' });
  });
});
