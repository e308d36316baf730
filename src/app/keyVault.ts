/**
 * Key Vault, through the vault credential of the Azure connection: the one reader of `{ keyVault }` references
 * (the secret resolver's plug) and a site's vault slot for rotate-key. The Key Vault SDK is loaded on
 * first use.
 */
import type { VaultCredential } from '../azure/client/credentials';
import type { KeyVaultApi } from '../keyvault/api';
import { InputError, UsageError } from '../errors';
import type { Site } from '../hub/types';
import type { KeyVaultReader } from '../io/secrets';
import type { VaultSlot } from '../rotation/ports';
import { readCaFile, type AzureConnectOptions, type AzureConnection, type Surroundings } from './connectAzure';

/** How to reach a vault: the credential and CA, and `--vault-endpoint` or the cloud's vault suffix. */
export interface VaultAccess {
  /** Key Vault's own credential (a token serves one audience). */
  credential: VaultCredential;
  ca?: string;
  /** One URL for every vault (the emulator, a private endpoint). */
  endpoint?: string;
  /** The cloud's suffix, e.g. `vault.azure.net`. */
  suffix: string;
}

/** The vault access an Azure connection gives. */
export function vaultAccessOf(c: AzureConnection): VaultAccess {
  return { credential: c.vaultCredential, suffix: c.endpoints.cloud.vaultSuffix, ...(c.ca ? { ca: c.ca } : {}), ...(c.endpoints.vaultEndpoint ? { endpoint: c.endpoints.vaultEndpoint } : {}) };
}

async function keyVaultApi(access: VaultAccess, vaultName: string): Promise<KeyVaultApi> {
  const { createKeyVaultApi } = await import('../keyvault/sdk');
  const { vaultUrlFor } = await import('../keyvault/api');
  const vaultUrl = vaultUrlFor(vaultName, { ...(access.endpoint ? { endpoint: access.endpoint } : {}), suffix: `.${access.suffix}` });
  return createKeyVaultApi({ vaultUrl, credential: access.credential, ...(access.ca ? { ca: access.ca } : {}) });
}

/** The key Key Vault holds for a `{ keyVault }` reference; `access` is asked for on the first reference. */
export function keyVaultReader(access: () => Promise<VaultAccess>): KeyVaultReader {
  return async (ref, where) => {
    const api = await keyVaultApi(await access(), ref.vaultName);
    const { resolveKeyVaultRef } = await import('../keyvault/slot');
    return resolveKeyVaultRef(api, ref, where);
  };
}

/** The Key Vault slot of a site whose `sharedKey` is a `{ keyVault }` reference; undefined otherwise. */
export async function vaultSlotFor(site: Site, access: VaultAccess): Promise<VaultSlot | undefined> {
  const ref = site.sharedKey;
  if (!ref || !('keyVault' in ref)) return undefined;
  const api = await keyVaultApi(access, ref.keyVault.vaultName);
  const { vaultSlot } = await import('../keyvault/slot');
  return vaultSlot(api, ref.keyVault);
}

/**
 * Key Vault for `validate --resolve-secrets`, which needs no subscription: only when it can be reached
 * without guessing, i.e. a vault endpoint (`--vault-endpoint` / TUNNELSMITH_VAULT_ENDPOINT) or a static
 * token (TUNNELSMITH_VAULT_TOKEN, ...) is set; otherwise undefined, and a `{ keyVault }` reference is reported
 * as not configured (with the way to configure it). A vault that refuses or cannot be reached is a
 * problem of that reference, listed with the others.
 */
export async function keyVaultReaderForValidation(options: Pick<AzureConnectOptions, 'cloud' | 'vaultEndpoint' | 'caFile'>, where: Surroundings): Promise<KeyVaultReader | undefined> {
  const endpoint = options.vaultEndpoint ?? where.env.TUNNELSMITH_VAULT_ENDPOINT;
  const { TOKEN_VARIABLES } = await import('../azure/client/credentials');
  const tokenSet = Object.values(TOKEN_VARIABLES).some((v) => where.env[v.token] || where.env[v.file]);
  if (!endpoint && !tokenSet) return undefined;
  const { CLOUDS, CLOUD_NAMES } = await import('../azure/client/endpoints');
  const cloudName = options.cloud ?? where.env.TUNNELSMITH_CLOUD ?? 'AzureCloud';
  const cloud = CLOUDS[cloudName as keyof typeof CLOUDS];
  if (!cloud) throw new UsageError('UnknownCloud', `unknown cloud ${cloudName}`, `use one of ${CLOUD_NAMES.join(', ')}`);
  if (endpoint && !/^https:\/\//i.test(endpoint)) throw new UsageError('BadEndpoint', `--vault-endpoint / TUNNELSMITH_VAULT_ENDPOINT must use https: ${endpoint}`, 'use https://host[:port], with --ca-file for a private certificate');
  const path = await import('node:path');
  const caFile = options.caFile ?? where.env.TUNNELSMITH_CA_FILE;
  const ca = caFile ? await readCaFile(path.resolve(where.cwd, caFile), caFile) : undefined;
  const { credentialsFromEnvironment } = await import('../azure/client/credentials');
  const credential = (await credentialsFromEnvironment(where.env, { authorityHost: cloud.authorityHost, cwd: where.cwd })).vault;
  const read = keyVaultReader(async () => ({ credential, suffix: cloud.vaultSuffix, ...(ca ? { ca } : {}), ...(endpoint ? { endpoint } : {}) }));
  return async (ref, at) => {
    try {
      return await read(ref, at);
    } catch (e) {
      if (e instanceof InputError || !(e instanceof Error)) throw e;
      throw new InputError('KeyVaultUnreadable', `${at}: ${e.message}`, [], (e as { hint?: string }).hint ?? 'check --vault-endpoint and the credentials');
    }
  };
}
