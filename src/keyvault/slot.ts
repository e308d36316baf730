/** A site's `{ keyVault }` reference as the rotation runner's VaultSlot, and as a secret resolver. */
import { InputError } from '../errors';
import type { VaultSlot } from '../rotation/ports';
import type { KeyVaultApi } from './api';

export function vaultSlot(api: KeyVaultApi, ref: { vaultName: string; secretName: string }): VaultSlot {
  return {
    label: `${ref.vaultName}/${ref.secretName}`,
    async readLatest() {
      return (await api.getLatest(ref.secretName))?.value;
    },
    storeVersion(value, tags) {
      return api.setSecret(ref.secretName, value, tags);
    },
  };
}

/** Resolves a `{ keyVault }` reference to the secret's latest value; a missing secret names the field. */
export async function resolveKeyVaultRef(api: KeyVaultApi, ref: { vaultName: string; secretName: string }, fieldPath: string): Promise<string> {
  let latest;
  try {
    latest = await api.getLatest(ref.secretName);
  } catch (e) {
    // No vault credential (a static ARM token without a vault token): an error of this reference.
    if (e instanceof InputError && e.code === 'VaultTokenMissing') throw new InputError(e.code, `${fieldPath}: ${e.message}`, e.problems, e.hint, { cause: e });
    throw e;
  }
  if (!latest) {
    throw new InputError('SecretNotFound', `${fieldPath}: secret ${ref.secretName} does not exist in vault ${ref.vaultName}`, [
      { path: fieldPath, severity: 'error', message: `secret ${ref.secretName} not found in ${api.vaultUrl}`, fix: 'create the secret, or point the reference at an existing one' },
    ]);
  }
  return latest.value;
}
