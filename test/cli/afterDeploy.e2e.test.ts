/**
 * What the CLI says around a deploy, against the emulator: `deploy --plan --out` says --out is
 * ignored; progress names resources by their kind (never an internal id, even for a step that never
 * started); `deploy --out` and `rotate-key prepare|apply` end with `next:` lines (what to send to
 * whom, what to run); `facts` numbers gateway instances as the bundle README does.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { exec } from '../../src/cli/exec';
import { ExitCode } from '../../src/errors';
import { captureIo, emulatorEnv, jsonLines, lastJson } from '../support/cli';
import { startHarness, type Harness } from '../support/emulator';

const DEMO_HUB = path.resolve(__dirname, '..', '..', 'fixtures', 'demo', 'hub.yaml');
const RG = 'ra-hybrid-vpn-er-rg';
const CIRCUIT = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${RG}/providers/Microsoft.Network/expressRouteCircuits/ra-hybrid-vpn-er-erc`;
const HQ_PSK = 'HqKey0123456789abcdefABCDEF0123456789abcdefAB';
const FAST = ['--confirm-interval', '0.02', '--confirm-timeout', '20'];

/** A VPN-only, active-active hub (two gateway instances) in its own resource group. */
const ACTIVE_ACTIVE = `azure:
  subscriptionId: 00000000-0000-0000-0000-000000000000
  resourceGroup: aa-rg
  location: centralus
  vnet: { name: aa-vnet, addressSpace: [10.50.0.0/16], gatewaySubnet: 10.50.255.0/27 }
  vpnGateway: { name: aa-vgw, sku: VpnGw2AZ, activeActive: true }
sites:
  - name: branch
    device: strongswan
    publicIp: 198.51.100.7
    addressSpace: [172.20.0.0/16]
    bgp: { asn: 65020, peerIp: 172.20.255.1 }
`;

let h: Harness;
let env: NodeJS.ProcessEnv;

async function run(argv: string[], cwd = h.dir) {
  const io = captureIo(cwd, env);
  const code = await exec(argv, io);
  return { code, out: io.out(), err: io.err() };
}

beforeAll(async () => {
  h = await startHarness();
  env = { ...(await emulatorEnv(h)), HQ_PSK };
  // The site's key is a reference to an environment variable: after a rotation it must follow.
  const hub = (await fs.readFile(DEMO_HUB, 'utf8')).replace('    connectionName: ra-hybrid-vpn-cn\n', '    connectionName: ra-hybrid-vpn-cn\n    sharedKey: { env: HQ_PSK }\n');
  await fs.writeFile(path.join(h.dir, 'tunnelsmith.yaml'), hub);
  // The circuit is ordered, not yet provisioned by the provider: the ExpressRoute connection waits.
  await h.api.putResourceGroup({ name: RG, location: 'centralus', tags: {} });
  await h.api.putCircuit(RG, { name: 'ra-hybrid-vpn-er-erc', location: 'centralus', tags: {}, serviceProviderName: 'Equinix', peeringLocation: 'Silicon Valley', bandwidthInMbps: 50, skuTier: 'Premium', skuFamily: 'UnlimitedData' });
}, 60_000);
afterAll(async () => {
  await h.close();
});

test('deploy --plan --out says that --out is ignored, and renders nothing', async () => {
  const r = await run(['deploy', '--plan', '--out', 'out']);
  expect(r.code).toBe(ExitCode.changesPending);
  expect(r.err).toBe('note: --plan changes and renders nothing: --out out is ignored (deploy --out out, without --plan, deploys and then renders)\n');
  await expect(fs.stat(path.join(h.dir, 'out'))).rejects.toThrow();
  const json = await run(['deploy', '--plan', '--out', 'out', '--json']);
  expect(json.out.trim().split('\n').map((l) => JSON.parse(l).event)).toEqual(['plan']);
  expect(JSON.parse(json.out).changes).toContainEqual({ action: 'create', resource: 'erConnection:ra-hybrid-er-cn', what: 'ExpressRoute connection ra-hybrid-er-cn', fields: [] });
});

test('deploy --out while the circuit waits: progress names every resource by its kind; next: what to send, and deploy again', async () => {
  const r = await run(['deploy', '--out', 'out', '--redact']);
  expect(r.code).toBe(ExitCode.waiting);
  // The ExpressRoute connection never starts (it waits for the provider): its end is named in words.
  expect(r.err).toMatch(/\] skipped +ExpressRoute connection ra-hybrid-er-cn: waiting: circuit ra-hybrid-vpn-er-erc is NotProvisioned/);
  expect(r.err).not.toMatch(/\b(erConnection|ipsecConnection|vpnGateway|erGateway|publicIp|localNetworkGateway|virtualNetwork|resourceGroup|circuit):/);
  expect(r.out.split('\n').filter((l) => l.startsWith('next: '))).toEqual([
    'next: send out/hq/ to the team of site hq (cisco-ios): they apply it as out/hq/README.md says',
    'next: send out/hq.key to them through another channel: it is the shared key the files leave out',
    'next: once the provider has provisioned the circuit: tunnelsmith deploy (it connects it), then tunnelsmith verify',
  ]);
});

test('deploy --out --json once the provider has provisioned it: progress events named in words, the next steps in the result', async () => {
  h.emu.control.provisionCircuit(CIRCUIT);
  const r = await run(['deploy', '--out', 'out', '--archive', '--json']);
  expect(r.code).toBe(ExitCode.ok);
  const lines = jsonLines(r.out);
  const progress = lines.filter((l) => l.event === 'progress');
  expect(progress.length).toBeGreaterThan(0);
  for (const p of progress.filter((e) => e.id !== undefined)) expect(p.what).toEqual(expect.any(String));
  expect(progress.find((p) => p.type === 'end' && p.id === 'erConnection:ra-hybrid-er-cn')).toMatchObject({ what: 'create ExpressRoute connection ra-hybrid-er-cn', outcome: 'done' });
  expect(lines.map((l) => l.event).filter((e) => e !== 'progress')).toEqual(['deployed', 'rendered']);
  expect(lines[lines.length - 1]).toMatchObject({
    event: 'rendered',
    out: 'out',
    next: [
      'send out/hq/ to the team of site hq (cisco-ios): they apply it as out/hq/README.md says (or send out/hq.tar.gz, the same folder as one file)',
      'once the devices are configured: tunnelsmith verify',
    ],
  });
});

test('facts numbers gateway instances from 1, as the bundle README does', async () => {
  const facts = await run(['facts']);
  expect(facts.code).toBe(ExitCode.ok);
  const ip = /VPN gateway instance 1: public IP (\S+),/.exec(facts.out)?.[1];
  expect(ip).toBeDefined();
  expect(facts.out).not.toMatch(/instance 0/);
  const readme = await fs.readFile(path.join(h.dir, 'out', 'hq', 'README.md'), 'utf8');
  expect(readme).toContain(`| Azure instance 1 public IP | ${ip} |`);

  // Active-active: instances 1 and 2, the same addresses in the same order as the bundle's.
  const aa = path.join(h.dir, 'aa');
  await fs.mkdir(aa);
  await fs.writeFile(path.join(aa, 'tunnelsmith.yaml'), ACTIVE_ACTIVE);
  expect((await run(['deploy', '--out', 'out'], aa)).code).toBe(ExitCode.ok);
  const two = await run(['facts'], aa);
  const ips = [...two.out.matchAll(/VPN gateway instance (\d): public IP (\S+),/g)].map((m) => [m[1], m[2]]);
  expect(ips.map((x) => x[0])).toEqual(['1', '2']);
  const aaReadme = await fs.readFile(path.join(aa, 'out', 'branch', 'README.md'), 'utf8');
  for (const [n, address] of ips) expect(aaReadme).toContain(`| Azure instance ${n} public IP | ${address} |`);
});

test('rotate-key prepare and apply end with next: what to send to whom, what to run, the reference to update', async () => {
  const prepare = await run(['rotate-key', 'prepare', '--site', 'hq']);
  expect(prepare.code).toBe(ExitCode.ok);
  expect(prepare.out.split('\n').filter((l) => l.startsWith('next: '))).toEqual([
    'next: send out/next/hq/ to the team of site hq: they stage it as its README.md says, but do not apply it yet',
    'next: in the maintenance window, with them on the line: tunnelsmith rotate-key apply --site hq',
  ]);
  const apply = await run(['rotate-key', 'apply', '--site', 'hq', ...FAST]);
  expect(apply.code).toBe(ExitCode.ok);
  expect(apply.out.split('\n').filter((l) => l.startsWith('next: '))).toEqual([
    'next: the VPN of site hq is down until its device has the new key: its team applies out/next/hq/ now (its README.md says how)',
    'next: then: tunnelsmith verify (or tunnelsmith rotate-key status --site hq)',
    'next: put the new key of site hq into HQ_PSK (tunnelsmith rotate-key status --site hq --show-secret shows it): render --facts stops on a stale reference',
    'next: a device that cannot take it: tunnelsmith rotate-key rollback --site hq (the previous key back on Azure)',
  ]);
  // Applied again: Azure holds the key already, nothing is left to do.
  const again = await run(['rotate-key', 'apply', '--site', 'hq', '--json', ...FAST]);
  expect(again.code).toBe(ExitCode.ok);
  const last = lastJson(again.out);
  expect(last).toMatchObject({ event: 'rotate-key', action: 'apply', exitCode: 0 });
  expect(last.next).toBeUndefined();
});
