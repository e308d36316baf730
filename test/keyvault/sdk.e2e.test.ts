/** The Key Vault adapter with the real SecretClient against the emulator's vault (401 challenge first). */
import { createHttpHeaders, type PipelineRequest } from '@azure/core-rest-pipeline';
import { credentialsFor, staticTokenCredential } from '../../src/azure/client/credentials';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { AzureError, InputError } from '../../src/errors';
import { vaultUrlFor } from '../../src/keyvault/api';
import { createKeyVaultApi } from '../../src/keyvault/sdk';
import { resolveKeyVaultRef, vaultSlot } from '../../src/keyvault/slot';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({});
});
afterAll(async () => emu.stop());

function api(token = emu.vaultToken) {
  return createKeyVaultApi({ vaultUrl: vaultUrlFor('kv1', { endpoint: `${emu.vaultEndpoint}/` }), credential: staticTokenCredential(token), ca: emu.caPem, retry: { maxRetries: 0 } });
}

describe('Key Vault adapter', () => {
  it('builds vault URLs from the endpoint override or the cloud suffix', () => {
    expect(vaultUrlFor('kv1', {})).toBe('https://kv1.vault.azure.net');
    expect(vaultUrlFor('kv1', { suffix: '.vault.usgovcloudapi.net' })).toBe('https://kv1.vault.usgovcloudapi.net');
    expect(vaultUrlFor('kv1', { endpoint: 'https://127.0.0.1:8443/' })).toBe('https://127.0.0.1:8443');
  });

  it('stores a version per write and reads the latest and any version', async () => {
    const kv = api();
    expect(await kv.getLatest('psk-a')).toBeUndefined();
    const v1 = await kv.setSecret('psk-a', 'FirstValue123', { 'managed-by': 'tunnelsmith' });
    const v2 = await kv.setSecret('psk-a', 'SecondValue456');
    expect(v1).not.toBe(v2);
    expect(await kv.getLatest('psk-a')).toEqual({ value: 'SecondValue456', version: v2 });
    expect(await kv.getVersion('psk-a', v1)).toEqual({ value: 'FirstValue123', version: v1 });
  });

  it('the rotation slot and the reference resolver use the latest version', async () => {
    const kv = api();
    const slot = vaultSlot(kv, { vaultName: 'kv1', secretName: 'psk-b' });
    expect(await slot.readLatest()).toBeUndefined();
    await slot.storeVersion('SlotValue789', { state: 'applied' });
    expect(await resolveKeyVaultRef(kv, { vaultName: 'kv1', secretName: 'psk-b' }, 'sites[0].sharedKey')).toBe('SlotValue789');
    const missing = await resolveKeyVaultRef(kv, { vaultName: 'kv1', secretName: 'nope' }, 'sites[2].sharedKey').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(InputError);
    expect((missing as InputError).problems[0]?.path).toBe('sites[2].sharedKey');
  });

  it('a refused write is an AzureError that never quotes the value', async () => {
    const err = await api('wrong-token').setSecret('psk-c', 'ValueThatMustNotLeak42').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AzureError);
    expect(String((err as Error).message)).not.toContain('ValueThatMustNotLeak42');
    expect(JSON.stringify(err)).not.toContain('ValueThatMustNotLeak42');
    expect((err as AzureError).message).toContain('psk-c');
  });
});

describe('the vault challenge: the SDK checks the resource it names (kept on)', () => {
  /** A vault answering from memory (nothing goes on the network): 401 with `resource` first, then the secret. */
  function fakeVault(resource: string) {
    const sent: string[] = [];
    const httpClient = {
      async sendRequest(req: PipelineRequest) {
        const auth = req.headers.get('authorization');
        sent.push(`${req.method} ${new URL(req.url).host}${auth ? ' with token' : ''}`);
        if (!auth) {
          return { status: 401, request: req, headers: createHttpHeaders({ 'WWW-Authenticate': `Bearer authorization="https://login.microsoftonline.com/t", resource="${resource}"`, 'content-type': 'application/json' }), bodyAsText: '{"error":{"code":"Unauthorized","message":"AKV10000: Request is missing a Bearer or PoP token."}}' };
        }
        const base = new URL(req.url).origin;
        return { status: 200, request: req, headers: createHttpHeaders({ 'content-type': 'application/json' }), bodyAsText: JSON.stringify({ value: 'SecretValue1', id: `${base}/secrets/psk/0123456789abcdef`, attributes: { enabled: true } }) };
      },
    };
    const scopes: string[] = [];
    const credential = { async getToken(s: string | string[]) { scopes.push(...([] as string[]).concat(s)); return { token: 'vault-tok', expiresOnTimestamp: Date.now() + 3_600_000 }; } };
    return { httpClient, sent, scopes, credential };
  }
  const read = (vaultUrl: string, f: ReturnType<typeof fakeVault>) => createKeyVaultApi({ vaultUrl, credential: f.credential, httpClient: f.httpClient, retry: { maxRetries: 0 } }).getLatest('psk');

  it.each([
    ['https://kv1.vault.azure.net', 'https://vault.azure.net'],
    ['https://kv1.vault.usgovcloudapi.net', 'https://vault.usgovcloudapi.net'],
    ['https://kv1.vault.azure.cn', 'https://vault.azure.cn'],
  ])('a real vault host %s passes with the challenge naming %s', async (vaultUrl, resource) => {
    const f = fakeVault(resource);
    expect(await read(vaultUrl, f)).toEqual({ value: 'SecretValue1', version: '0123456789abcdef' });
    expect(f.scopes).toEqual([`${resource}/.default`]);
  });

  it('a vault host whose challenge names another resource is refused before any token is asked for', async () => {
    const f = fakeVault('https://management.azure.com');
    const err = await read('https://kv1.vault.azure.net', f).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AzureError);
    expect((err as AzureError).code).toBe('KeyVaultChallengeRefused');
    expect((err as AzureError).message).toMatch(/the vault asked for a token of another resource than Key Vault's .*does not match the requested domain/);
    expect(f.scopes).toEqual([]);
    expect(f.sent).toEqual(['GET kv1.vault.azure.net']);
  });

  it('a loopback vault (the emulator) must name exactly Key Vault\'s resource', async () => {
    const ok = fakeVault('https://vault.azure.net');
    expect((await read('https://127.0.0.1:1', ok))?.value).toBe('SecretValue1');
    const bad = fakeVault('https://management.azure.com');
    const err = await read('https://127.0.0.1:1', bad).catch((e: unknown) => e);
    expect((err as AzureError).code).toBe('KeyVaultChallengeRefused');
    expect(bad.scopes).toEqual([]);
  });

  it('the ARM token at the emulator\'s vault: 401 (AKV10022), and the hint names the vault token', async () => {
    const err = await api(emu.token).getLatest('psk-a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AzureError);
    expect((err as AzureError).details.statusCode).toBe(401);
    expect((err as AzureError).hint).toMatch(/TUNNELSMITH_VAULT_TOKEN .*not the ARM token/);
  });

  it('no vault credential (a static ARM token alone): an error naming TUNNELSMITH_VAULT_TOKEN, nothing sent', async () => {
    const f = fakeVault('https://vault.azure.net');
    const creds = await credentialsFor({}, { authorityHost: 'https://login.microsoftonline.com', cwd: '/' }, { credential: staticTokenCredential(emu.token) });
    const kv = createKeyVaultApi({ vaultUrl: 'https://kv1.vault.azure.net', credential: creds.vault, httpClient: f.httpClient });
    const err = await resolveKeyVaultRef(kv, { vaultName: 'kv1', secretName: 'psk' }, 'sites[0].sharedKey').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/^sites\[0\]\.sharedKey: Key Vault secret psk cannot be read: .*no TUNNELSMITH_VAULT_TOKEN is set/);
    expect(f.sent).toEqual([]);
  });
});
