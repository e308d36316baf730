/**
 * Which shared key a bundle carries, end to end against the emulator (hub-file.md, "Which shared key is
 * the real one"): live render writes Azure's key; `render --facts` takes the journal's active key, else
 * the facts file's, else the reference, and refuses (exit 3, nothing written) when two disagree, naming
 * the stale one. The reproduction (a `{ env }` site rotated, then `render --facts` wrote the OLD
 * key with exit 0) fails clearly now; the README's facts -> render example works after a deploy that
 * generated the key. And keys from Key Vault, from Azure (`deploy --out`) and from the journal
 * (`rotate-key prepare`) pass the key-character rules before any file is written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SecretClient } from '@azure/keyvault-secrets';
import type { AzureApi } from '../../src/azure/client/api';
import { staticTokenCredential } from '../../src/azure/client/credentials';
import { createSdkApi } from '../../src/azure/client/sdk';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { keyJournalDir, readKeyJournal, writeKeyJournal } from '../../src/io/keyJournal';
import { checkStagedBundle } from '../../src/io/stagedBundle';
import { runCli } from '../support/cli';

const SUB = '00000000-0000-0000-0000-000000000000';
const K1 = 'FirstKey7Hd2Kp9Xw4Mb6Qz1Rt8Lc3Nf5Gj0Sa';

function hubYaml(rg: string, hqKey = '{ env: HQ_PSK }'): string {
  return `azure:
  subscriptionId: ${SUB}
  resourceGroup: ${rg}
  location: centralus
  vnet:
    name: truth-vnet
    addressSpace: [10.70.0.0/16]
    gatewaySubnet: 10.70.255.0/27
  vpnGateway:
    name: truth-vgw
    sku: VpnGw1AZ
sites:
  - name: hq
    device: strongswan
    publicIp: 40.50.60.70
    addressSpace: [192.168.0.0/16]
    sharedKey: ${hqKey}
  - name: branch
    device: cisco-ios
    publicIp: 40.50.60.71
    addressSpace: [172.16.0.0/16]
`;
}

let emu: RunningEmulator;
let api: AzureApi;
let env: NodeJS.ProcessEnv;
let dir: string;
const FAST = ['--confirm-interval', '0.02', '--confirm-timeout', '30'];

beforeAll(async () => {
  emu = await startEmulator({ durations: { gatewayMs: 40, connectionMs: 10, setSharedKeyMs: 10, defaultMs: 2 } });
  api = createSdkApi({ credential: staticTokenCredential(emu.token), subscriptionId: SUB, endpoint: emu.endpoint, ca: emu.caPem, pollIntervalMs: 10 });
});
afterAll(async () => emu.stop());
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ts-key-truth-'));
  writeFileSync(path.join(dir, 'ca.pem'), emu.caPem);
  env = { TUNNELSMITH_ARM_ENDPOINT: emu.endpoint, TUNNELSMITH_ARM_TOKEN: emu.token, TUNNELSMITH_VAULT_TOKEN: emu.vaultToken, TUNNELSMITH_CA_FILE: path.join(dir, 'ca.pem'), TUNNELSMITH_VAULT_ENDPOINT: emu.vaultEndpoint, TUNNELSMITH_POLL_INTERVAL_MS: '10', AZURE_SUBSCRIPTION_ID: SUB };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cli = (argv: string[], extra: NodeJS.ProcessEnv = {}) => runCli(argv, { cwd: dir, env: { ...env, ...extra } });
const journal = (rg: string, cn: string) => readKeyJournal(keyJournalDir(path.join(dir, 'tunnelsmith.yaml')), `${rg}/truth-vnet`, cn);
const noKeyIn = (r: { stdout: string; stderr: string }, ...keys: string[]) => {
  for (const k of keys) expect(r.stdout + r.stderr).not.toContain(k);
};

it('the issue\'s reproduction: an { env } site rotated, then render --facts with the old value refuses, naming the variable; the new value renders the new key', async () => {
  const rg = 'truth-env';
  writeFileSync(path.join(dir, 'tunnelsmith.yaml'), hubYaml(rg));
  expect((await cli(['deploy'], { HQ_PSK: K1 })).code).toBe(0);
  expect((await cli(['facts', '--out', 'out/facts.json'])).code).toBe(0);
  expect((await cli(['rotate-key', 'prepare', '--site', 'hq'], { HQ_PSK: K1 })).code).toBe(0);
  expect((await cli(['rotate-key', 'apply', '--site', 'hq', ...FAST], { HQ_PSK: K1 })).code).toBe(0);
  const k2 = await api.getSharedKey(rg, 'cn-hq');
  expect(k2).not.toBe(K1);

  const stale = await cli(['render', '--facts', 'out/facts.json'], { HQ_PSK: K1 });
  expect(stale.code).toBe(3);
  expect(stale.stderr).toContain('error: sites[0].sharedKey: site hq: the key behind environment variable HQ_PSK is stale');
  expect(stale.stderr).toContain('rotate-key status --site hq --show-secret');
  expect(stale.stderr).toContain('error [StaleKey]');
  noKeyIn(stale, K1, k2);
  expect(existsSync(path.join(dir, 'out', 'hq'))).toBe(false);
  expect(existsSync(path.join(dir, 'out', 'branch'))).toBe(false);

  const fixed = await cli(['render', '--facts', 'out/facts.json'], { HQ_PSK: k2 });
  expect(fixed.code).toBe(0);
  expect(await checkStagedBundle(path.join(dir, 'out'), 'hq', k2)).toBeUndefined();
  // The variable unset: the journal alone decides.
  expect((await cli(['render', '--facts', 'out/facts.json'])).code).toBe(0);

  // Live: Azure's key, with a warning naming the stale variable.
  const live = await cli(['render'], { HQ_PSK: K1 });
  expect(live.code).toBe(0);
  expect(live.stderr).toContain("warning: sites[0].sharedKey: site hq: the key behind environment variable HQ_PSK differs from the key Azure holds; the bundle carries Azure's key");
  expect(await checkStagedBundle(path.join(dir, 'out'), 'hq', k2)).toBeUndefined();

  // deploy never changes an existing connection's key; it says the reference disagrees.
  const deploy = await cli(['deploy'], { HQ_PSK: K1 });
  expect(deploy.code).toBe(0);
  expect(deploy.stderr).toContain('the key this reference names differs from the key Azure holds for connection cn-hq');
  expect(await api.getSharedKey(rg, 'cn-hq')).toBe(k2);
  noKeyIn(deploy, K1, k2);
});

it("the README's example after a deploy that generated the key: facts (no keys) -> render --facts takes the journal's key, the one Azure holds", async () => {
  const rg = 'truth-readme';
  writeFileSync(path.join(dir, 'tunnelsmith.yaml'), hubYaml(rg, '{ env: HQ_PSK }'));
  expect((await cli(['deploy'], { HQ_PSK: K1 })).code).toBe(0);
  expect((await cli(['facts', '--out', 'out/facts.json'])).code).toBe(0);
  const r = await cli(['render', '--facts', 'out/facts.json', '--device', 'all', '--out', 'out'], { HQ_PSK: K1 });
  expect(r.code).toBe(0);
  const generated = await api.getSharedKey(rg, 'cn-branch');
  expect((await journal(rg, 'cn-branch'))?.current).toEqual(expect.objectContaining({ key: generated, state: 'active', origin: 'generated' }));
  expect(await checkStagedBundle(path.join(dir, 'out'), 'branch', generated)).toBeUndefined();
  expect(await checkStagedBundle(path.join(dir, 'out'), 'hq', K1)).toBeUndefined();
  noKeyIn(r, K1, generated);
});

it('a facts file written with keys before a rotation is named stale; a rotation in flight refuses render --facts', async () => {
  const rg = 'truth-facts';
  writeFileSync(path.join(dir, 'tunnelsmith.yaml'), hubYaml(rg));
  expect((await cli(['deploy'], { HQ_PSK: K1 })).code).toBe(0);
  expect((await cli(['facts', '--include-secrets', '--out', 'out/facts-keys.json'])).code).toBe(0);
  expect((await cli(['rotate-key', 'prepare', '--site', 'branch'])).code).toBe(0);
  expect((await cli(['rotate-key', 'apply', '--site', 'branch', ...FAST])).code).toBe(0);
  const r = await cli(['render', '--facts', 'out/facts-keys.json', '--site', 'branch']);
  expect(r.code).toBe(3);
  expect(r.stderr).toContain("site branch: the facts file's key is stale");
  expect(existsSync(path.join(dir, 'out', 'branch'))).toBe(false);

  // Mid-apply (the journal says applying): Azure may hold either key.
  expect((await cli(['rotate-key', 'prepare', '--site', 'branch'])).code).toBe(0);
  const file = path.join(keyJournalDir(path.join(dir, 'tunnelsmith.yaml')), `${rg}+cn-branch.json`);
  const entry = JSON.parse(readFileSync(file, 'utf8'));
  entry.rotation.state = 'applying';
  writeFileSync(file, JSON.stringify(entry));
  const busy = await cli(['render', '--facts', 'out/facts-keys.json', '--site', 'branch']);
  expect(busy.code).toBe(3);
  expect(busy.stderr).toContain('a key change is in progress (rotation state applying)');
  expect(busy.stderr).toContain('rotate-key apply --site branch');
});

describe('keys from Key Vault, Azure and the journal pass the key rules before any file is written', () => {
  const INJECTION = 'Abc123def456\nusername evil privilege 15 secret 0 evil';

  it('render --facts with a { keyVault } reference holding a newline: refused (exit 3), nothing written', async () => {
    const secrets = new SecretClient(emu.vaultEndpoint, staticTokenCredential(emu.vaultToken), { disableChallengeResourceVerification: true, tlsOptions: { ca: emu.caPem } });
    await secrets.setSecret('hq-psk-bad', INJECTION);
    writeFileSync(path.join(dir, 'tunnelsmith.yaml'), hubYaml('truth-kv', '{ keyVault: { vaultName: kv1, secretName: hq-psk-bad } }'));
    // Facts of a hub never deployed here: no journal, no key in the facts; the vault is the only source.
    const facts = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'demo', 'facts.json'), 'utf8'));
    const { sharedKey: _none, ...site } = facts.sites[0];
    writeFileSync(path.join(dir, 'facts.json'), JSON.stringify({ ...facts, hub: 'truth-kv/truth-vnet', sites: [{ ...site, name: 'hq', connectionName: 'cn-hq' }] }));
    const r = await cli(['render', '--facts', 'facts.json', '--site', 'hq']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/sites\[0\]\.sharedKey: strongswan: the shared key contains .*a control or non-ASCII character, which Azure refuses .*\(the key from Key Vault secret kv1\/hq-psk-bad\)/);
    noKeyIn(r, 'username evil');
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('deploy --out when Azure holds a key the device cannot carry: refused before the bundle is written', async () => {
    const rg = 'truth-azure';
    writeFileSync(path.join(dir, 'tunnelsmith.yaml'), hubYaml(rg));
    expect((await cli(['deploy'], { HQ_PSK: K1 })).code).toBe(0);
    await api.setSharedKey(rg, 'cn-hq', 'Quoted"Key123abc');
    const r = await cli(['deploy', '--out', 'out'], { HQ_PSK: K1 });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/sites\[0\]\.sharedKey: strongswan: the shared key contains "\\"", which strongSwan[^\n]* cannot carry safely .*\(the key from Azure\)/);
    noKeyIn(r, 'Quoted"Key123abc');
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('rotate-key prepare with a prepared key the device cannot carry (a damaged journal): refused, out/next not written', async () => {
    const rg = 'truth-journal';
    writeFileSync(path.join(dir, 'tunnelsmith.yaml'), hubYaml(rg));
    expect((await cli(['deploy'], { HQ_PSK: K1 })).code).toBe(0);
    const entry = await journal(rg, 'cn-branch');
    await writeKeyJournal(keyJournalDir(path.join(dir, 'tunnelsmith.yaml')), {
      ...(entry as NonNullable<typeof entry>),
      pending: { key: INJECTION, origin: 'rotation', state: 'pending', since: '2026-05-01T10:00:00.000Z' },
      rotation: { state: 'prepared', preparedFrom: 'idle', updatedAt: '2026-05-01T10:00:00.000Z' },
    } as never);
    const r = await cli(['rotate-key', 'prepare', '--site', 'branch']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/branch: error: sites\[1\]\.sharedKey: cisco-ios: the shared key contains .*a control or non-ASCII character.*\(the key from the key journal\)/);
    noKeyIn(r, 'username evil');
    expect(existsSync(path.join(dir, 'out', 'next'))).toBe(false);
  });
});
