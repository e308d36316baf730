/** The Azure commands through `exec`, against the emulator, configured the way a user would (env + flags). */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { EMBEDDED_DEMO_HUB } from '../../src/cli/commands/demo';
import { exec } from '../../src/cli/exec';
import { ExitCode } from '../../src/errors';
import { seedCircuit, startHarness, type Harness } from '../support/emulator';
import { captureIo, jsonLines } from '../support/cli';

let h: Harness;
let env: NodeJS.ProcessEnv;
let hubFile: string;
const RG = 'cli-rg';

beforeAll(async () => {
  h = await startHarness();
  seedCircuit(h, RG);
  hubFile = path.join(h.dir, 'hub.yaml');
  await fs.writeFile(hubFile, EMBEDDED_DEMO_HUB.replace(/ra-hybrid-vpn-er-rg/g, RG));
  const caFile = path.join(h.dir, 'ca.pem');
  await fs.writeFile(caFile, h.emu.caPem);
  env = { TUNNELSMITH_ARM_ENDPOINT: h.emu.endpoint, TUNNELSMITH_ARM_TOKEN: h.emu.token, TUNNELSMITH_CA_FILE: caFile, TUNNELSMITH_POLL_INTERVAL_MS: '10' };
});
afterAll(async () => {
  await h.close();
});

async function run(args: string[], opts: Parameters<typeof captureIo>[2] = {}) {
  const io = captureIo(h.dir, env, opts);
  const code = await exec([...args, '--file', hubFile], io);
  return { code, out: io.out(), err: io.err() };
}

describe('tunnelsmith Azure commands', () => {
  test('deploy --plan before anything exists: exit 10, lists the creations, writes nothing', async () => {
    h.emu.control.clearRequestLog();
    const r = await run(['deploy', '--plan']);
    expect(r.code).toBe(ExitCode.changesPending);
    expect(r.out).toMatch(/Plan for cli-rg\/ra-hybrid-vpn-er-vnet in subscription 0{8}-0{4}-0{4}-0{4}-0{12}: 8 to create, 1 in place/);
    expect(r.out).toMatch(/\+ create +VPN gateway ra-hybrid-vpn-vgw/);
    expect(h.writes()).toEqual([]);
  });

  test('deploy: timestamped progress lines on a non-terminal, a summary, exit 0; the key is never printed', async () => {
    const r = await run(['deploy']);
    expect(r.code).toBe(ExitCode.ok);
    expect(r.err).toMatch(/^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\] start +create VPN gateway ra-hybrid-vpn-vgw$/m);
    expect(r.err).toMatch(/^\[[^\]]+\] done +create VPN gateway ra-hybrid-vpn-vgw \(\d+:\d\d\)$/m);
    expect(r.out).toMatch(/Deployed cli-rg\/ra-hybrid-vpn-er-vnet: 8 write\(s\)/);
    const key = await h.api.getSharedKey(RG, 'ra-hybrid-vpn-cn');
    expect(r.out + r.err).not.toContain(key);
  });

  test('deploy --plan afterwards: nothing to change, exit 0; deploy --json reports zero writes', async () => {
    const plan = await run(['deploy', '--plan']);
    expect(plan.code).toBe(ExitCode.ok);
    expect(plan.out).toMatch(/Nothing to change\./);
    const r = await run(['deploy', '--json']);
    const lines = jsonLines(r.out);
    expect(lines.filter((l) => l.event === 'progress').length).toBeGreaterThan(0);
    expect(lines[lines.length - 1]).toMatchObject({ event: 'deployed', writes: 0, changes: [] });
  });

  test('deploy --out renders after deploying (here redacted, with the archive), with the key Azure holds', async () => {
    const key = await h.api.getSharedKey(RG, 'ra-hybrid-vpn-cn');
    const r = await run(['deploy', '--out', 'bundle', '--device', 'strongswan', '--redact', '--archive']);
    expect(r.code).toBe(ExitCode.ok);
    expect(r.out).toMatch(/Nothing to change/);
    expect(r.out).toMatch(/Rendered into bundle:\n(  .*\n)*  bundle\/hq\/strongswan\/swanctl\.conf\n/);
    expect(r.out).toMatch(/  bundle\/hq\.tar\.gz/);
    expect(await fs.readFile(path.join(h.dir, 'bundle/hq/strongswan/swanctl.conf'), 'utf8')).not.toContain(key);
    expect((await fs.readFile(path.join(h.dir, 'bundle/hq.key'), 'utf8')).trim()).toBe(key);
    expect((await fs.stat(path.join(h.dir, 'bundle/hq.key'))).mode & 0o777).toBe(0o600);
    expect(r.out + r.err).not.toContain(key);
    h.emu.control.clearRequestLog();
    const bad = await run(['deploy', '--out', 'bundle', '--device', 'nokia']);
    expect(bad.code).toBe(ExitCode.usage);
    expect(h.emu.control.requestLog()).toEqual([]);
    expect(bad.err).toMatch(/--device nokia is not a device tunnelsmith renders/);
  });

  test('facts: without keys by default; with --include-secrets the file is 0600 and stdout still has no key', async () => {
    const key = await h.api.getSharedKey(RG, 'ra-hybrid-vpn-cn');
    const plain = await run(['facts', '--out', 'f/plain.json']);
    expect(plain.code).toBe(0);
    const plainText = await fs.readFile(path.join(h.dir, 'f/plain.json'), 'utf8');
    expect(plainText).not.toContain(key);
    expect(JSON.parse(plainText).vpnGateway.instances[0].publicIp).toMatch(/^203\.0\.113\./);
    const secret = await run(['facts', '--out', 'f/secret.json', '--include-secrets']);
    expect(secret.out).toMatch(/with shared keys, mode 0600/);
    expect(secret.out + secret.err).not.toContain(key);
    expect((await fs.stat(path.join(h.dir, 'f/secret.json'))).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await fs.readFile(path.join(h.dir, 'f/secret.json'), 'utf8')).sites[0].sharedKey).toBe(key);
  });

  test('verify before and after the ExpressRoute path goes down (exit 0, then 11), and back up', async () => {
    // The appliance announces its prefixes over BGP (its local network gateway lists none).
    h.emu.control.setSiteAdvertisedPrefixes('ra-hybrid-vpn-cn', ['192.168.0.0/16']);
    const up = await run(['verify']);
    expect(up.code).toBe(ExitCode.ok);
    expect(up.out).toMatch(/\[ok\] expressroute routes: learned over ExpressRoute: 192\.168\.0\.0\/16/);
    expect(up.out).toMatch(/Failover readiness: READY/);

    h.emu.control.setExpressRoutePath('down');
    const down = await run(['verify']);
    expect(down.code).toBe(ExitCode.notReady);
    expect(down.out).toMatch(/\[FAIL\] expressroute routes: none: 192\.168\.0\.0\/16 not learned over ExpressRoute/);
    expect(down.out).toMatch(/\[ok\] vpn routes: learned over BGP: 192\.168\.0\.0\/16/);
    expect(down.out).toMatch(/Failover readiness: NOT READY: the ExpressRoute path carries no on-prem prefix; traffic is on the VPN/);
    const json = await run(['verify', '--json']);
    expect(JSON.parse(json.out)).toMatchObject({ event: 'verify', ready: false, failover: 'on-vpn' });

    h.emu.control.setExpressRoutePath('up');
    expect((await run(['verify'])).code).toBe(ExitCode.ok);
  });

  test('verify names a site whose device does not answer', async () => {
    h.emu.control.setSiteReachable('ra-hybrid-vpn-cn', false);
    try {
      const r = await run(['verify']);
      expect(r.code).toBe(ExitCode.notReady);
      expect(r.out).toMatch(/\[FAIL\] connection: ra-hybrid-vpn-cn: (NotConnected|Connecting)/);
    } finally {
      h.emu.control.setSiteReachable('ra-hybrid-vpn-cn', true);
    }
  });

  test('destroy needs a confirmation: refused without a terminal, refused on a wrong answer', async () => {
    const noTty = await run(['destroy']);
    expect(noTty.code).toBe(ExitCode.usage);
    expect(noTty.err).toMatch(/pass --yes/);
    const wrong = await run(['destroy'], { stdinTty: true, input: 'cli-rg/other\n' });
    expect(wrong.code).toBe(ExitCode.usage);
    expect(wrong.err).toMatch(/nothing was deleted/);
    expect(await h.api.getGateway(RG, 'ra-hybrid-vpn-vgw')).toBeDefined();
  });

  test('destroy with the typed hub id removes only what tunnelsmith created, in reverse order', async () => {
    // Something tunnelsmith did not create, in the same group: it must survive.
    await h.api.putLocalNetworkGateway(RG, { name: 'someone-elses-lng', location: 'centralus', tags: { owner: 'network-team' }, gatewayIpAddress: '198.51.100.7', addressPrefixes: ['10.99.0.0/16'] });
    h.emu.control.clearRequestLog();
    const r = await run(['destroy'], { stdinTty: true, input: 'cli-rg/ra-hybrid-vpn-er-vnet\n' });
    expect(r.code).toBe(ExitCode.ok);
    expect(r.out).toMatch(/kept \(not created by tunnelsmith for this hub\): local network gateway someone-elses-lng/);
    const deletes = h.writes().filter((w) => w.method === 'DELETE').map((w) => w.path.split('/').slice(-2).join('/'));
    expect(deletes.slice(0, 2).sort()).toEqual(['connections/ra-hybrid-er-cn', 'connections/ra-hybrid-vpn-cn']);
    expect(deletes.slice(2, 4).sort()).toEqual(['virtualNetworkGateways/ra-hybrid-er-vgw', 'virtualNetworkGateways/ra-hybrid-vpn-vgw']);
    expect(deletes[deletes.length - 1]).toBe('virtualNetworks/ra-hybrid-vpn-er-vnet');
    expect(deletes).not.toContain('localNetworkGateways/someone-elses-lng');
    expect(deletes.some((d) => d.startsWith('expressRouteCircuits'))).toBe(false);
    expect(await h.api.getLocalNetworkGateway(RG, 'someone-elses-lng')).toBeDefined();
    expect(await h.api.getGateway(RG, 'ra-hybrid-vpn-vgw')).toBeUndefined();
    expect(await h.api.getCircuit(`/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${RG}/providers/Microsoft.Network/expressRouteCircuits/ra-hybrid-vpn-er-erc`)).toBeDefined();
    const again = await run(['destroy', '--yes']);
    expect(again.out).toMatch(/nothing to delete/);
  });

  test('a referenced key the site device cannot carry stops deploy before any write (exit 3), never printing it', async () => {
    const file = path.join(h.dir, 'keyhub.yaml');
    const text = EMBEDDED_DEMO_HUB.replace(/ra-hybrid-vpn-er-rg/g, 'cli-key-rg').replace(/(\n\s*)circuitId: .*\n/, '\n').replace('connectionName: ra-hybrid-vpn-cn', 'connectionName: ra-hybrid-vpn-cn\n    sharedKey: { env: HQ_PSK }');
    await fs.writeFile(file, text);
    const bad = 'quote"inside1';
    const io = captureIo(h.dir, { ...env, HQ_PSK: bad });
    h.emu.control.clearRequestLog();
    const code = await exec(['deploy', '--file', file], io);
    expect(code).toBe(ExitCode.invalidInput);
    expect(io.err()).toMatch(/error: sites\[0\]\.sharedKey: the shared key contains "\\"", which Cisco/);
    expect(io.err()).toMatch(/\[SharedKeyInvalid\]/);
    expect(io.out() + io.err()).not.toContain(bad);
    expect(h.writes()).toEqual([]);
  });
});
