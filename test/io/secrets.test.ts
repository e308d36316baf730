import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InputError } from '../../src/errors';
import type { Hub } from '../../src/hub/types';
import { validateHub } from '../../src/hub/validate';
import {
  checkAuthorizationKey, checkSharedKey, createSecretResolver, resolveHubSecrets, resolveSecretRef, type KeyVaultReader,
} from '../../src/io/secrets';
import { branchSite, FAKE_DEVICES, seedHub } from '../hub/fixtures';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tunnelsmith-secrets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const KEY = 'Abc123XyzLettersAndDigits0nly';

function keyFile(name: string, content: string, mode = 0o600): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  chmodSync(file, mode);
  return name;
}

describe('createSecretResolver', () => {
  test('env: the variable value; missing or empty is an InputError naming the variable', async () => {
    const r = createSecretResolver({ env: { HQ_PSK: KEY, EMPTY: '' }, baseDir: dir });
    expect(await r.resolve({ env: 'HQ_PSK' }, 'sites[0].sharedKey')).toEqual({ value: KEY, warnings: [] });
    await expect(r.resolve({ env: 'NOPE' }, 'sites[0].sharedKey')).rejects.toThrow(/environment variable NOPE is not set/);
    await expect(r.resolve({ env: 'EMPTY' }, 'sites[0].sharedKey')).rejects.toThrow(/EMPTY is empty/);
  });

  test('file: relative to the hub folder, trailing newlines trimmed, 0600 quietly', async () => {
    const r = createSecretResolver({ env: {}, baseDir: dir, platform: 'linux' });
    keyFile('hq.psk', `${KEY}\r\n`);
    expect(await r.resolve({ file: 'hq.psk' }, 'sites[0].sharedKey')).toEqual({ value: KEY, warnings: [] });
  });

  test('file: wider than 0600 draws a warning naming the file and the mode, not the key', async () => {
    const r = createSecretResolver({ env: {}, baseDir: dir, platform: 'linux' });
    keyFile('open.psk', `${KEY}\n`, 0o644);
    const { value, warnings } = await r.resolve({ file: 'open.psk' }, 'sites[0].sharedKey');
    expect(value).toBe(KEY);
    expect(warnings).toEqual([{ path: 'sites[0].sharedKey', severity: 'warning', message: 'the key file open.psk can be read by other users (mode 0644)', fix: 'chmod 600 open.psk' }]);
  });

  test('file: missing or empty is an InputError', async () => {
    const r = createSecretResolver({ env: {}, baseDir: dir });
    await expect(r.resolve({ file: 'missing.psk' }, 'sites[0].sharedKey')).rejects.toThrow(/cannot read the key file missing\.psk \(ENOENT\)/);
    keyFile('empty.psk', '\n');
    await expect(r.resolve({ file: 'empty.psk' }, 'sites[0].sharedKey')).rejects.toThrow(/is empty/);
  });

  test('keyVault: without a reader the plug throws a clear InputError; a reader is used when given', async () => {
    const ref = { keyVault: { vaultName: 'kv-hub', secretName: 'hq-psk' } };
    const unplugged = createSecretResolver({ env: {}, baseDir: dir });
    const e = await unplugged.resolve(ref, 'sites[0].sharedKey').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).code).toBe('KeyVaultNotConfigured');
    expect((e as InputError).hint).toMatch(/--vault-endpoint/);
    const seen: string[] = [];
    const reader: KeyVaultReader = async (r, where) => {
      seen.push(`${r.vaultName}/${r.secretName}@${where}`);
      return KEY;
    };
    const plugged = createSecretResolver({ env: {}, baseDir: dir, keyVault: reader });
    expect((await plugged.resolve(ref, 'sites[0].sharedKey')).value).toBe(KEY);
    expect(seen).toEqual(['kv-hub/hq-psk@sites[0].sharedKey']);
  });

  test('resolveSecretRef: the value, with warnings passed to a callback', async () => {
    keyFile('k.psk', KEY, 0o640);
    const warnings: string[] = [];
    const value = await resolveSecretRef({ file: 'k.psk' }, { fieldPath: 'sites[0].sharedKey', baseDir: dir, env: {}, onWarning: (w) => warnings.push(w.message) });
    expect(value).toBe(KEY);
    expect(warnings).toHaveLength(process.platform === 'win32' ? 0 : 1);
  });
});

describe('checkSharedKey', () => {
  const cisco = FAKE_DEVICES['cisco-ios'];
  const rras = FAKE_DEVICES['windows-rras'];

  test('accepts 1..128 printable ASCII without space, - and ~', () => {
    expect(checkSharedKey('a', 'k')).toEqual([]);
    expect(checkSharedKey('x'.repeat(128), 'k')).toEqual([]);
    expect(checkSharedKey('A!#%&()*+,./:;<=>@[]^_{|}', 'k', cisco)).toEqual([]);
  });

  test.each([
    ['', /0 characters; Azure allows 1\.\.128/],
    ['y'.repeat(129), /129 characters/],
    ['with space', /a space/],
    ['with-dash', /'-'/],
    ['tilde~', /'~'/],
    ['tab\there', /control or non-ASCII/],
    ['clé', /control or non-ASCII/],
  ])('refuses %j for Azure, without quoting it', (key, message) => {
    const problems = checkSharedKey(key, 'sites[0].sharedKey');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: 'sites[0].sharedKey', severity: 'error', message: expect.stringMatching(message) });
    if (key.length > 3) expect(JSON.stringify(problems)).not.toContain(key);
  });

  test("refuses the characters the site's device cannot carry", () => {
    expect(checkSharedKey('abc?def', 'k', cisco)[0].message).toMatch(/"\?", which Cisco IOS-XE \(fake\) cannot carry/);
    expect(checkSharedKey('abc$def', 'k', rras)[0].message).toMatch(/"\$"/);
    expect(checkSharedKey('abc$def', 'k', cisco)).toEqual([]);
  });

  test('authorization keys: printable, no spaces', () => {
    expect(checkAuthorizationKey('00000000-0000-0000-0000-000000000000', 'a')).toEqual([]);
    expect(checkAuthorizationKey('has space', 'a')).toHaveLength(1);
    expect(checkAuthorizationKey('', 'a')).toHaveLength(1);
  });
});

describe('resolveHubSecrets', () => {
  function hubWith(mutate: (raw: any) => void): Hub {
    const raw = seedHub();
    mutate(raw);
    const { hub, problems } = validateHub(raw, { devices: FAKE_DEVICES });
    if (!hub) throw new Error(JSON.stringify(problems));
    return hub;
  }

  test('collects every key and every problem at once, never a value', async () => {
    keyFile('branch.psk', 'Bad Key-With~Chars\n');
    const hub = hubWith((raw) => {
      raw.sites.push(branchSite({ sharedKey: { file: 'branch.psk' } }));
      raw.sites.push(branchSite({ name: 'lab', publicIp: '198.51.100.99', addressSpace: ['172.20.0.0/16'], sharedKey: { env: 'LAB_PSK' } }));
      raw.sites.push(branchSite({ name: 'dc', publicIp: '198.51.100.98', addressSpace: ['172.21.0.0/16'], sharedKey: { keyVault: { vaultName: 'kv-hub', secretName: 'dc' } } }));
      raw.azure.expressRoute.authorizationKey = { env: 'ER_AUTH' };
    });
    const env = { HQ_PSK: KEY, ER_AUTH: '11111111-2222-3333-4444-555555555555' };
    const result = await resolveHubSecrets(hub, createSecretResolver({ env, baseDir: dir }), FAKE_DEVICES);
    expect([...result.sharedKeys.entries()]).toEqual([['hq', KEY]]);
    expect(result.authorizationKey).toBe(env.ER_AUTH);
    expect(result.problems.map((p) => p.path)).toEqual(['sites[1].sharedKey', 'sites[2].sharedKey', 'sites[3].sharedKey']);
    expect(result.problems[1].message).toBe('environment variable LAB_PSK is not set');
    expect(result.problems[2].message).toMatch(/Key Vault is not configured/);
    const text = JSON.stringify(result.problems);
    expect(text).not.toContain('Bad Key');
    expect(text).not.toContain(KEY);
  });

  test("checks the key against the site's own device", async () => {
    const hub = hubWith(() => undefined);
    const result = await resolveHubSecrets(hub, createSecretResolver({ env: { HQ_PSK: 'abc?def' }, baseDir: dir }), FAKE_DEVICES);
    expect(result.sharedKeys.size).toBe(0);
    expect(result.problems).toEqual([expect.objectContaining({ path: 'sites[0].sharedKey', message: expect.stringMatching(/Cisco IOS-XE/) })]);
  });
});
