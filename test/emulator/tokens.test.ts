/**
 * One token per audience: ARM refuses the vault token (401 InvalidAuthenticationTokenAudience), the
 * vault refuses the ARM token (401 AKV10022), the control routes take the ARM token. Tokens are JWTs
 * with `aud` and `exp`; an expired one is refused.
 */
import { SecretClient } from '@azure/keyvault-secrets';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { networkClient, raw, RG, staticCredential, SUB } from '../support/emulator';

let emu: RunningEmulator;

beforeEach(async () => {
  emu = await startEmulator({ durations: { defaultMs: 5 } });
});
afterEach(async () => {
  await emu.stop();
});

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

function secrets(token: string): SecretClient {
  return new SecretClient(emu.vaultEndpoint, staticCredential(token), {
    tlsOptions: { ca: emu.caPem },
    disableChallengeResourceVerification: true,
    retryOptions: { maxRetries: 0 },
  });
}

const RG_LIST = `/subscriptions/${SUB}/resourcegroups?api-version=2025-04-01`;

test('the two tokens are distinct JWTs, each naming its audience, with an exp about 30 days ahead', () => {
  expect(emu.vaultToken).not.toBe(emu.token);
  const arm = claims(emu.token);
  const vault = claims(emu.vaultToken);
  expect([arm.aud, vault.aud]).toEqual(['https://management.azure.com', 'https://vault.azure.net']);
  const days = ((arm.exp as number) * 1000 - Date.now()) / 86400_000;
  expect(days).toBeGreaterThan(29.9);
  expect(days).toBeLessThanOrEqual(30);
});

test('ARM refuses the vault token with 401 InvalidAuthenticationTokenAudience naming the audience it got', async () => {
  const res = await raw(emu, 'GET', RG_LIST, undefined, { token: emu.vaultToken });
  expect(res.status).toBe(401);
  expect(res.body.error.code).toBe('InvalidAuthenticationTokenAudience');
  expect(res.body.error.message).toContain("wrong audience or resource 'https://vault.azure.net'");
  await expect(networkClient(emu, emu.vaultToken).virtualNetworks.get(RG, 'v')).rejects.toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationTokenAudience' });
  // The control routes take the ARM token only.
  expect((await raw(emu, 'GET', '/__emulator/counts', undefined, { token: emu.vaultToken })).status).toBe(401);
  expect((await raw(emu, 'GET', '/__emulator/counts')).status).toBe(200);
});

test('the vault refuses the ARM token with 401 AKV10022 Invalid audience, through the real SecretClient', async () => {
  await expect(secrets(emu.token).setSecret('psk', 'Value1')).rejects.toMatchObject({
    statusCode: 401,
    code: 'Unauthorized',
    message: expect.stringContaining('AKV10022: Invalid audience. Expected https://vault.azure.net, found: https://management.azure.com/'),
  });
  const ok = await secrets(emu.vaultToken).setSecret('psk', 'Value1');
  expect(ok.value).toBe('Value1');
  // Nothing was written with the wrong token: one version only.
  const versions: string[] = [];
  for await (const v of secrets(emu.vaultToken).listPropertiesOfSecretVersions('psk')) versions.push(v.version!);
  expect(versions).toHaveLength(1);
});

test('an issued short-lived token works until its exp, then ARM answers 401 ExpiredAuthenticationToken', async () => {
  const issued = emu.control.issueToken('arm', 1);
  expect(claims(issued.token).exp).toBe(Math.floor(Date.parse(issued.expiresOn) / 1000));
  expect((await raw(emu, 'GET', RG_LIST, undefined, { token: issued.token })).status).toBe(200);
  await new Promise((r) => setTimeout(r, 1100));
  const res = await raw(emu, 'GET', RG_LIST, undefined, { token: issued.token });
  expect(res.status).toBe(401);
  expect(res.body.error.code).toBe('ExpiredAuthenticationToken');
  expect(res.body.error.message).toMatch(/^The access token expiry UTC time '.+' is earlier than current UTC time '.+'\.$/);
  // The main token is untouched.
  expect((await raw(emu, 'GET', RG_LIST)).status).toBe(200);
});

test('expireToken makes a token expire now, for ARM and for the vault; over HTTPS too', async () => {
  const arm = (await raw(emu, 'POST', '/__emulator/tokens', { audience: 'arm', expiresInSeconds: 3600 })).body;
  const vault = (await raw(emu, 'POST', '/__emulator/tokens', { audience: 'vault', expiresInSeconds: 3600 })).body;
  expect([claims(arm.token).aud, claims(vault.token).aud]).toEqual(['https://management.azure.com', 'https://vault.azure.net']);
  await secrets(vault.token).setSecret('psk', 'Value1');
  expect((await raw(emu, 'GET', RG_LIST, undefined, { token: arm.token })).status).toBe(200);

  expect((await raw(emu, 'POST', '/__emulator/tokens/expire', { token: arm.token })).body).toEqual({ expired: true });
  expect(emu.control.expireToken(vault.token)).toBe(true);
  expect(emu.control.expireToken('never-issued')).toBe(false);
  expect((await raw(emu, 'GET', RG_LIST, undefined, { token: arm.token })).body.error.code).toBe('ExpiredAuthenticationToken');
  await expect(secrets(vault.token).getSecret('psk')).rejects.toMatchObject({ statusCode: 401, message: expect.stringMatching(/expired/) });
  const bad = await raw(emu, 'POST', '/__emulator/tokens', { audience: 'graph', expiresInSeconds: 10 });
  expect([bad.status, bad.body.error.code]).toEqual([400, 'InvalidControlRequest']);
});

test('an unknown token stays 401 InvalidAuthenticationToken; no token is 401 AuthenticationFailed', async () => {
  expect((await raw(emu, 'GET', RG_LIST, undefined, { token: 'nope' })).body.error.code).toBe('InvalidAuthenticationToken');
  expect((await raw(emu, 'GET', RG_LIST, undefined, { token: null })).body.error.code).toBe('AuthenticationFailed');
});

test('a token kept in a state dir is replaced once it has expired', async () => {
  const { mkdtempSync, rmSync, writeFileSync, readFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { makeJwt } = await import('../../src/emulator/tokens');
  const dir = mkdtempSync(join(tmpdir(), 'emu-tok-'));
  try {
    const stale = makeJwt('arm', Date.now() - 60_000, Date.now() - 3600_000);
    writeFileSync(join(dir, 'token'), `${stale}\n`, { mode: 0o600 });
    const e = await startEmulator({ stateDir: dir });
    try {
      expect(e.token).not.toBe(stale);
      expect(readFileSync(join(dir, 'token'), 'utf8').trim()).toBe(e.token);
      expect((await raw(e, 'GET', RG_LIST, undefined, { token: stale })).status).toBe(401);
    } finally {
      await e.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
