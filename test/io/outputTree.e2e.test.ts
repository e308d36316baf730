/**
 * The writers that talk to Azure never leave their trees either: `deploy --out` and `rotate-key prepare`
 * (out/next) refuse a planted link where a site folder goes, and the key journal refuses a planted
 * `.tunnelsmith` or `keys` link (nothing is written through it, nothing chmodded) and tightens an
 * existing folder to 0700. Against the emulator, the CLI in-process.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { lastJson, runCli } from '../support/cli';

const SUB = '00000000-0000-0000-0000-000000000000';
const hubYaml = (rg: string) => `azure:
  subscriptionId: ${SUB}
  resourceGroup: ${rg}
  location: centralus
  vnet: { name: tree-vnet, addressSpace: [10.80.0.0/16], gatewaySubnet: 10.80.255.0/27 }
  vpnGateway: { name: tree-vgw, sku: VpnGw1AZ }
sites:
  - name: hq
    device: strongswan
    publicIp: 40.50.60.70
    addressSpace: [192.168.0.0/16]
`;

let emu: RunningEmulator;
let dir: string;
let victim: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  emu = await startEmulator({ durations: { gatewayMs: 30, connectionMs: 10, setSharedKeyMs: 10, defaultMs: 2 } });
});
afterAll(async () => emu.stop());
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ts-tree-e2e-'));
  victim = mkdtempSync(path.join(os.tmpdir(), 'ts-tree-victim-'));
  chmodSync(victim, 0o755);
  writeFileSync(path.join(dir, 'ca.pem'), emu.caPem);
  env = { TUNNELSMITH_ARM_ENDPOINT: emu.endpoint, TUNNELSMITH_ARM_TOKEN: emu.token, TUNNELSMITH_CA_FILE: path.join(dir, 'ca.pem'), TUNNELSMITH_POLL_INTERVAL_MS: '10' };
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(victim, { recursive: true, force: true });
});

const cli = (...argv: string[]) => runCli(argv, { cwd: dir, env });
const untouched = () => {
  expect(readdirSync(victim)).toEqual([]);
  expect(statSync(victim).mode & 0o777).toBe(0o755);
};

it('deploy --out: a link at out/<site> is refused after the deploy, nothing goes through it; the key journal is 0700/0600', async () => {
  writeFileSync(path.join(dir, 'tunnelsmith.yaml'), hubYaml('tree-deploy'));
  mkdirSync(path.join(dir, 'out'));
  symlinkSync(victim, path.join(dir, 'out', 'hq'));
  const r = await cli('deploy', '--out', 'out');
  expect(r.code).toBe(3);
  expect(r.stderr).toContain(`${path.join(dir, 'out', 'hq')}: is a symbolic link`);
  untouched();
  expect(statSync(path.join(dir, '.tunnelsmith', 'keys')).mode & 0o777).toBe(0o700);
  expect(statSync(path.join(dir, '.tunnelsmith', 'keys', 'tree-deploy+cn-hq.json')).mode & 0o777).toBe(0o600);
  rmSync(path.join(dir, 'out', 'hq'));
  expect((await cli('deploy', '--out', 'out')).code).toBe(0);
  expect(existsSync(path.join(dir, 'out', 'hq', 'strongswan', 'swanctl.conf'))).toBe(true);
});

it('rotate-key prepare: a link at out/next/<site> is refused; the prepared key is kept for the re-run', async () => {
  writeFileSync(path.join(dir, 'tunnelsmith.yaml'), hubYaml('tree-prepare'));
  expect((await cli('deploy')).code).toBe(0);
  mkdirSync(path.join(dir, 'out', 'next'), { recursive: true });
  symlinkSync(victim, path.join(dir, 'out', 'next', 'hq'));
  const r = await cli('rotate-key', 'prepare', '--site', 'hq');
  expect(r.code).toBe(3);
  expect(r.stderr).toContain(`hq: error: ${path.join(dir, 'out', 'next', 'hq')}: is a symbolic link`);
  untouched();
  rmSync(path.join(dir, 'out', 'next', 'hq'));
  const again = await cli('rotate-key', 'prepare', '--site', 'hq', '--json');
  expect(again.code).toBe(0);
  expect(lastJson(again.stdout).sites[0].reused).toBe(true);
});

it.each(['.tunnelsmith', '.tunnelsmith/keys'])('the key journal: a link at %s is refused before a connection is created with a key; the link target is untouched', async (linked) => {
  writeFileSync(path.join(dir, 'tunnelsmith.yaml'), hubYaml(`tree-journal-${linked.length}`));
  if (linked === '.tunnelsmith/keys') {
    // The lock folder beside it is fine; only the journal is planted.
    mkdirSync(path.join(dir, '.tunnelsmith'), { mode: 0o700 });
  }
  symlinkSync(victim, path.join(dir, linked));
  emu.control.clearRequestLog();
  const r = await cli('deploy');
  expect(r.code).toBe(3);
  expect(r.stderr).toContain(`${path.join(dir, linked)} is a symbolic link`);
  untouched();
  // The generated key is journaled before the connection is created: no connection, no lost key.
  expect(emu.control.requestLog().filter((e) => e.method === 'PUT' && /\/connections\//i.test(e.path))).toEqual([]);
});

it('an existing key journal folder readable by others is tightened to 0700', async () => {
  writeFileSync(path.join(dir, 'tunnelsmith.yaml'), hubYaml('tree-tighten'));
  mkdirSync(path.join(dir, '.tunnelsmith', 'keys'), { recursive: true });
  chmodSync(path.join(dir, '.tunnelsmith'), 0o755);
  chmodSync(path.join(dir, '.tunnelsmith', 'keys'), 0o777);
  expect((await cli('deploy')).code).toBe(0);
  expect(statSync(path.join(dir, '.tunnelsmith')).mode & 0o777).toBe(0o700);
  expect(statSync(path.join(dir, '.tunnelsmith', 'keys')).mode & 0o777).toBe(0o700);
});
