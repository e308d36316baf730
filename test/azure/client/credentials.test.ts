/**
 * Static tokens serve one audience each (TUNNELSMITH_ARM_TOKEN[_FILE] for ARM, TUNNELSMITH_VAULT_TOKEN[_FILE]
 * for Key Vault); a credential reports the token's own expiry; a token file is read again; a static JWT
 * that expires before a run can end is refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  checkTokenOutlastsRun,
  credentialsFor,
  credentialsFromEnvironment,
  fileTokenCredential,
  isStaticToken,
  isVaultTokenMissing,
  jwtExpiresAt,
  requireVaultCredential,
  staticTokenCredential,
  TOKEN_MARGIN_MS,
} from '../../../src/azure/client/credentials';
import { ExitCode, InputError, UsageError } from '../../../src/errors';

const jwt = (expSeconds: number, aud = 'https://management.azure.com') =>
  `${Buffer.from('{"typ":"JWT","alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ aud, exp: expSeconds })).toString('base64url')}.c2ln`;
const AUTH = { authorityHost: 'https://login.microsoftonline.com' };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ts-cred-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('per-audience static tokens', () => {
  test('an ARM token serves ARM only: Key Vault is then unreachable (never the identity chain)', async () => {
    const c = await credentialsFromEnvironment({ TUNNELSMITH_ARM_TOKEN: 'arm-123' }, { ...AUTH, cwd: dir });
    expect(isStaticToken(c.arm)).toBe(true);
    expect((await c.arm.getToken('https://management.azure.com/.default'))!.token).toBe('arm-123');
    expect(isVaultTokenMissing(c.vault)).toBe(true);
    let err: unknown;
    try {
      requireVaultCredential(c.vault, 'sites[2].sharedKey');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(ExitCode.invalidInput);
    expect((err as InputError).message).toMatch(/^sites\[2\]\.sharedKey: .*TUNNELSMITH_ARM_TOKEN .* is an ARM token, which Key Vault refuses .*no TUNNELSMITH_VAULT_TOKEN is set/);
    expect((err as InputError).hint).toMatch(/set TUNNELSMITH_VAULT_TOKEN \(or TUNNELSMITH_VAULT_TOKEN_FILE\)/);
  });

  test('both tokens: each audience gets its own', async () => {
    const c = await credentialsFromEnvironment({ TUNNELSMITH_ARM_TOKEN: 'arm-1', TUNNELSMITH_VAULT_TOKEN: 'vault-1' }, { ...AUTH, cwd: dir });
    expect((await c.arm.getToken([]))!.token).toBe('arm-1');
    expect(isStaticToken(c.vault) && (await c.vault.getToken([]))!.token).toBe('vault-1');
  });

  test.each([
    ['TUNNELSMITH_ARM_TOKEN', 'TUNNELSMITH_ARM_TOKEN_FILE'],
    ['TUNNELSMITH_VAULT_TOKEN', 'TUNNELSMITH_VAULT_TOKEN_FILE'],
  ])('%s and %s together are a usage error (2)', async (a, b) => {
    writeFileSync(path.join(dir, 'tok'), 'from-file\n');
    const run = credentialsFromEnvironment({ [a]: 'inline', [b]: 'tok' }, { ...AUTH, cwd: dir });
    await expect(run).rejects.toBeInstanceOf(UsageError);
    await expect(run).rejects.toMatchObject({ exitCode: ExitCode.usage, message: `${a} and ${b} are both set; one ${a.includes('ARM') ? 'ARM' : 'Key Vault'} token source is allowed` });
  });

  test('an unreadable or empty token file is a usage error naming the variable', async () => {
    await expect(credentialsFromEnvironment({ TUNNELSMITH_ARM_TOKEN_FILE: 'nope' }, { ...AUTH, cwd: dir })).rejects.toMatchObject({ exitCode: ExitCode.usage, message: expect.stringMatching(/^TUNNELSMITH_ARM_TOKEN_FILE: cannot read the token file .*nope \(ENOENT\)/) });
    writeFileSync(path.join(dir, 'empty'), '\n');
    await expect(credentialsFromEnvironment({ TUNNELSMITH_VAULT_TOKEN_FILE: 'empty' }, { ...AUTH, cwd: dir })).rejects.toMatchObject({ message: expect.stringMatching(/TUNNELSMITH_VAULT_TOKEN_FILE: the token file .* is empty/) });
  });

  test('injected credentials: a static ARM token alone leaves Key Vault unreachable; a vault one is used', async () => {
    const only = await credentialsFor({}, { ...AUTH, cwd: dir }, { credential: staticTokenCredential('a') });
    expect(isVaultTokenMissing(only.vault)).toBe(true);
    const both = await credentialsFor({ TUNNELSMITH_VAULT_TOKEN: 'ignored' }, { ...AUTH, cwd: dir }, { credential: staticTokenCredential('a'), vaultCredential: staticTokenCredential('v', { audience: 'vault' }) });
    expect((await (both.vault as ReturnType<typeof staticTokenCredential>).getToken([]))!.token).toBe('v');
  });
});

describe('expiry', () => {
  test('a JWT credential reports the token\'s own exp; an opaque one an hour', async () => {
    const exp = Math.floor(Date.now() / 1000) + 300;
    expect(jwtExpiresAt(jwt(exp))).toBe(exp * 1000);
    expect(jwtExpiresAt('opaque')).toBeUndefined();
    expect(jwtExpiresAt('a.b.c')).toBeUndefined();
    expect((await staticTokenCredential(jwt(exp)).getToken([]))!.expiresOnTimestamp).toBe(exp * 1000);
    const opaque = (await staticTokenCredential('opaque').getToken([]))!.expiresOnTimestamp - Date.now();
    expect(opaque).toBeGreaterThan(59 * 60 * 1000);
    expect(opaque).toBeLessThanOrEqual(60 * 60 * 1000);
  });

  test('a static JWT expiring before the estimated end (+10 min) is refused (exit 2); a file, an opaque token or a long one are not', async () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const est = 95 * 60 * 1000;
    const short = staticTokenCredential(jwt((now + est + TOKEN_MARGIN_MS - 60_000) / 1000));
    let err: unknown;
    try {
      checkTokenOutlastsRun(short, est, 'this deploy', now);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toMatch(/^TUNNELSMITH_ARM_TOKEN expires in 104 min \(at 2026-01-01T13:44:00\.000Z\), before this deploy can end: estimated 95 min at Azure's documented durations, plus a 10 min margin; nothing was written$/);
    expect((err as UsageError).hint).toMatch(/TUNNELSMITH_ARM_TOKEN_FILE/);
    expect(() => checkTokenOutlastsRun(staticTokenCredential(jwt((now - 1000) / 1000)), est, 'this deploy', now)).toThrow(/TUNNELSMITH_ARM_TOKEN has expired/);
    expect(() => checkTokenOutlastsRun(staticTokenCredential(jwt((now + est + TOKEN_MARGIN_MS) / 1000)), est, 'this deploy', now)).not.toThrow();
    expect(() => checkTokenOutlastsRun(staticTokenCredential('opaque'), est, 'this deploy', now)).not.toThrow();
    writeFileSync(path.join(dir, 'short'), jwt((now + 60_000) / 1000));
    expect(() => checkTokenOutlastsRun(undefined, est, 'x', now)).not.toThrow();
    const file = await fileTokenCredential(path.join(dir, 'short'), 'arm');
    expect(() => checkTokenOutlastsRun(file, est, 'this deploy', now)).not.toThrow();
  });

  test('a token file is read again: reload sees a new token, getToken asks to be asked again within a minute', async () => {
    const f = path.join(dir, 'rolling');
    writeFileSync(f, 'first\n');
    const c = await fileTokenCredential(f, 'arm');
    expect(c.fromFile).toBe(true);
    expect(await c.reload()).toBe(false);
    writeFileSync(f, 'second\n');
    expect(await c.reload()).toBe(true);
    expect(c.current()).toBe('second');
    writeFileSync(f, jwt(2_000_000_000));
    const t = (await c.getToken([]))!;
    expect(t.token).toBe(jwt(2_000_000_000));
    expect(t.expiresOnTimestamp).toBe(2_000_000_000_000);
    expect(t.refreshAfterTimestamp! - Date.now()).toBeLessThanOrEqual(60_000);
  });
});
