/**
 * The one implementation of `KeyVaultApi`, on @azure/keyvault-secrets 4.11. SDK types stay here.
 * `disableChallengeResourceVerification` lets the client accept a vault URL that is not under
 * `vault.azure.net` (a local vault such as the emulator's, or a sovereign cloud's).
 */
import { SecretClient } from '@azure/keyvault-secrets';
import type { TokenCredential } from '@azure/core-auth';
import { AzureError } from '../errors';
import type { KeyVaultApi, SecretVersion } from './api';

export interface KeyVaultSdkOptions {
  vaultUrl: string;
  credential: TokenCredential;
  /** Extra CA certificate(s) (PEM) to trust, e.g. the emulator's. */
  ca?: string;
  retry?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
}

export function createKeyVaultApi(o: KeyVaultSdkOptions): KeyVaultApi {
  const client = new SecretClient(o.vaultUrl, o.credential, {
    disableChallengeResourceVerification: true,
    ...(o.ca ? { tlsOptions: { ca: o.ca } } : {}),
    ...(o.retry ? { retryOptions: o.retry } : {}),
  });
  const fail = (e: unknown, what: string, name: string): never => {
    const err = e as { statusCode?: number; code?: string };
    // The SDK's message may quote the request; never pass it on (it can hold the value being set).
    throw new AzureError(
      err.code ?? 'KeyVaultError',
      `Key Vault ${o.vaultUrl}: ${what} of secret ${name} failed${err.statusCode ? ` (HTTP ${err.statusCode}${err.code ? ` ${err.code}` : ''})` : ''}`,
      { ...(err.statusCode !== undefined ? { statusCode: err.statusCode } : {}), ...(err.code ? { azureCode: err.code } : {}), resource: `${o.vaultUrl}/secrets/${name}` },
      err.statusCode === 403 ? 'grant the identity get and set permissions on the vault secrets' : 'check --vault-endpoint and the credentials',
    );
  };
  const toVersion = (s: { value?: string; properties: { version?: string } }): SecretVersion | undefined =>
    s.value === undefined ? undefined : { value: s.value, version: s.properties.version ?? '' };
  return {
    vaultUrl: o.vaultUrl,
    async getLatest(name) {
      try {
        return toVersion(await client.getSecret(name));
      } catch (e) {
        if ((e as { statusCode?: number }).statusCode === 404) return undefined;
        return fail(e, 'read', name);
      }
    },
    async getVersion(name, version) {
      try {
        return toVersion(await client.getSecret(name, { version }));
      } catch (e) {
        if ((e as { statusCode?: number }).statusCode === 404) return undefined;
        return fail(e, 'read', name);
      }
    },
    async setSecret(name, value, tags) {
      try {
        const s = await client.setSecret(name, value, { ...(tags ? { tags } : {}), contentType: 'text/plain' });
        return s.properties.version ?? '';
      } catch (e) {
        return fail(e, 'write', name);
      }
    },
  };
}
