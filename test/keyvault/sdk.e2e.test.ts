/** The Key Vault adapter with the real SecretClient against the emulator's vault (401 challenge first). */
import { staticTokenCredential } from '../../src/azure/client/credentials';
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

function api(token = emu.token) {
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
