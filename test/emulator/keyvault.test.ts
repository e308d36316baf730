/** Key Vault secrets with the real SecretClient: challenge, versions, latest, delete. */
import { SecretClient } from '@azure/keyvault-secrets';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { raw, staticCredential } from '../support/emulator';

let emu: RunningEmulator;

beforeEach(async () => {
  emu = await startEmulator({ durations: { defaultMs: 5 } });
});
afterEach(async () => {
  await emu.stop();
});

function client(token = emu.vaultToken) {
  const cred = staticCredential(token);
  return {
    cred,
    secrets: new SecretClient(emu.vaultEndpoint, cred, {
      tlsOptions: { ca: emu.caPem },
      disableChallengeResourceVerification: true,
      retryOptions: { maxRetries: 1, retryDelayInMs: 10 },
    }),
  };
}

test('the first request without a token gets the 401 challenge naming the vault resource', async () => {
  const res = await raw(emu, 'GET', '/secrets/x/?api-version=7.6', undefined, { token: null, base: emu.vaultEndpoint });
  expect(res.status).toBe(401);
  expect(res.headers['www-authenticate']).toBe(
    'Bearer authorization="https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000", resource="https://vault.azure.net"',
  );
});

test('set, get latest and get by version round-trip with SecretClient; the client asks for the vault scope', async () => {
  const { cred, secrets } = client();
  const v1 = await secrets.setSecret('psk-hq', 'FirstKey111');
  const v2 = await secrets.setSecret('psk-hq', 'SecondKey222', { contentType: 'text/plain', tags: { site: 'hq' } });
  expect(cred.scopes).toContain('https://vault.azure.net/.default');
  expect(v1.properties.version).toMatch(/^[0-9a-f]{32}$/);
  expect(v2.properties.version).not.toBe(v1.properties.version);
  expect(v2.properties.vaultUrl).toBe(emu.vaultEndpoint);
  expect(v2.properties.id).toBe(`${emu.vaultEndpoint}/secrets/psk-hq/${v2.properties.version}`);
  const latest = await secrets.getSecret('psk-hq');
  expect(latest.value).toBe('SecondKey222');
  expect(latest.properties.tags).toEqual({ site: 'hq' });
  expect(latest.properties.contentType).toBe('text/plain');
  expect(latest.properties.enabled).toBe(true);
  const old = await secrets.getSecret('psk-hq', { version: v1.properties.version });
  expect(old.value).toBe('FirstKey111');
  const versions: string[] = [];
  for await (const p of secrets.listPropertiesOfSecretVersions('psk-hq')) versions.push(p.version!);
  expect(versions.sort()).toEqual([v1.properties.version, v2.properties.version].sort());
});

test('missing secrets are 404 SecretNotFound; a wrong token stays 401', async () => {
  const { secrets } = client();
  await expect(secrets.getSecret('nope')).rejects.toMatchObject({ statusCode: 404, code: 'SecretNotFound' });
  await expect(client('bad-token').secrets.getSecret('nope')).rejects.toMatchObject({ statusCode: 401 });
});

test('delete soft-deletes (the poller completes); purge removes it; the name can then be reused', async () => {
  const { secrets } = client();
  await secrets.setSecret('psk-old', 'OldKey1');
  const poller = await secrets.beginDeleteSecret('psk-old', { intervalInMs: 5 });
  const deleted = await poller.pollUntilDone();
  expect(deleted.name).toBe('psk-old');
  await expect(secrets.getSecret('psk-old')).rejects.toMatchObject({ statusCode: 404 });
  await expect(secrets.setSecret('psk-old', 'Again1')).rejects.toMatchObject({ statusCode: 409 });
  await secrets.purgeDeletedSecret('psk-old');
  expect((await secrets.setSecret('psk-old', 'Again1')).value).toBe('Again1');
});

test('vault requests appear in the request log as the vault service, without values', async () => {
  const { secrets } = client();
  await secrets.setSecret('psk-log', 'LoggedNot123');
  const vault = emu.control.requestLog().filter((r) => r.service === 'vault');
  expect(vault.map((r) => r.status)).toEqual([401, 200]);
  expect(JSON.stringify(emu.control.requestLog())).not.toContain('LoggedNot123');
});
