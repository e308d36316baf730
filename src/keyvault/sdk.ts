/**
 * The one implementation of `KeyVaultApi`, on @azure/keyvault-secrets 4.11. SDK types stay here.
 *
 * The SDK checks that the resource a vault's 401 challenge names is the parent domain of the vault's host
 * (`kv1.vault.azure.net` -> `https://vault.azure.net`, and so for the sovereign clouds), so a vault URL can
 * never make it fetch a token for another resource. That check stays on. A loopback vault (the
 * emulator's `https://127.0.0.1:PORT`) has no parent domain to match, so there the SDK's check is replaced
 * by a stricter one of ours: the challenge must name exactly the cloud's Key Vault resource.
 */
import { SecretClient } from '@azure/keyvault-secrets';
import { isIP } from 'node:net';
import { AzureError, InputError } from '../errors';
import { isVaultTokenMissing, type VaultCredential } from '../azure/client/credentials';
import { tokenFilePolicies } from '../azure/client/tokenPolicy';
import type { KeyVaultApi, SecretVersion } from './api';

export interface KeyVaultSdkOptions {
  vaultUrl: string;
  /** The vault's credential; a missing one (a static ARM token without a vault token) fails each call. */
  credential: VaultCredential;
  /** Extra CA certificate(s) (PEM) to trust, e.g. the emulator's. */
  ca?: string;
  retry?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
  /** The cloud's Key Vault resource, which a loopback vault's challenge must name (default public Azure's). */
  vaultResource?: string;
  /** Tests: a transport in place of the network (`@azure/core-rest-pipeline` HttpClient). */
  httpClient?: unknown;
}

export const PUBLIC_VAULT_RESOURCE = 'https://vault.azure.net';

/** The vault URL's host is a loopback address (127.0.0.0/8, ::1): a local vault such as the emulator's. Pure. */
export function isLoopbackVault(vaultUrl: string): boolean {
  let host: string;
  try {
    host = new URL(vaultUrl).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  if (isIP(host) === 4) return host.startsWith('127.');
  return isIP(host) === 6 && (host === '::1' || host === '0:0:0:0:0:0:0:1');
}

export function createKeyVaultApi(o: KeyVaultSdkOptions): KeyVaultApi {
  const cred = o.credential;
  const missing = isVaultTokenMissing(cred) ? cred : undefined;
  const loopback = isLoopbackVault(o.vaultUrl);
  const client = missing
    ? undefined
    : new SecretClient(o.vaultUrl, cred as Exclude<VaultCredential, { missing: true }>, {
        ...(loopback ? { disableChallengeResourceVerification: true } : {}),
        ...(o.ca ? { tlsOptions: { ca: o.ca } } : {}),
        ...(o.retry ? { retryOptions: o.retry } : {}),
        ...(o.httpClient ? { httpClient: o.httpClient as never } : {}),
        additionalPolicies: [
          ...(loopback ? [{ policy: loopbackChallengePolicy(o.vaultResource ?? PUBLIC_VAULT_RESOURCE), position: 'perRetry' as const }] : []),
          ...tokenFilePolicies(cred),
        ] as never,
      });
  const sdk = (name: string): SecretClient => {
    if (client) return client;
    throw new InputError('VaultTokenMissing', `Key Vault secret ${name} cannot be read: ${missing!.message}`, [], missing!.fix);
  };
  const fail = (e: unknown, what: string, name: string): never => {
    const err = e as { statusCode?: number; code?: string; message?: string };
    if (err.code === 'ChallengeResourceRefused' || /challenge resource .* does not match/i.test(err.message ?? '')) {
      throw new AzureError(
        'KeyVaultChallengeRefused',
        `Key Vault ${o.vaultUrl}: ${what} of secret ${name} refused: the vault asked for a token of another resource than Key Vault's (${firstLine(err.message)})`,
        { resource: `${o.vaultUrl}/secrets/${name}` },
        'check the vault URL (--vault-endpoint / TUNNELSMITH_VAULT_ENDPOINT, the vault name, --cloud): a real vault is https://<vaultName>.vault.azure.net or its sovereign cloud\'s host',
      );
    }
    // The SDK's message may quote the request; never pass it on (it can hold the value being set).
    throw new AzureError(
      err.code ?? 'KeyVaultError',
      `Key Vault ${o.vaultUrl}: ${what} of secret ${name} failed${err.statusCode ? ` (HTTP ${err.statusCode}${err.code ? ` ${err.code}` : ''})` : ''}`,
      { ...(err.statusCode !== undefined ? { statusCode: err.statusCode } : {}), ...(err.code ? { azureCode: err.code } : {}), resource: `${o.vaultUrl}/secrets/${name}` },
      err.statusCode === 403
        ? 'grant the identity get and set permissions on the vault secrets'
        : err.statusCode === 401
          ? 'check the Key Vault token (TUNNELSMITH_VAULT_TOKEN / TUNNELSMITH_VAULT_TOKEN_FILE: a token for https://vault.azure.net, not the ARM token), or sign in again'
          : 'check --vault-endpoint and the credentials',
    );
  };
  const toVersion = (s: { value?: string; properties: { version?: string } }): SecretVersion | undefined =>
    s.value === undefined ? undefined : { value: s.value, version: s.properties.version ?? '' };
  return {
    vaultUrl: o.vaultUrl,
    async getLatest(name) {
      const c = sdk(name);
      try {
        return toVersion(await c.getSecret(name));
      } catch (e) {
        if ((e as { statusCode?: number }).statusCode === 404) return undefined;
        return fail(e, 'read', name);
      }
    },
    async getVersion(name, version) {
      const c = sdk(name);
      try {
        return toVersion(await c.getSecret(name, { version }));
      } catch (e) {
        if ((e as { statusCode?: number }).statusCode === 404) return undefined;
        return fail(e, 'read', name);
      }
    },
    async setSecret(name, value, tags) {
      const c = sdk(name);
      try {
        const s = await c.setSecret(name, value, { ...(tags ? { tags } : {}), contentType: 'text/plain' });
        return s.properties.version ?? '';
      } catch (e) {
        return fail(e, 'write', name);
      }
    },
  };
}

function firstLine(s: string | undefined): string {
  return (s ?? '').split('\n')[0].slice(0, 200);
}

interface ChallengeRequest {
  url: string;
}
interface ChallengeResponse {
  status: number;
  headers: { get(name: string): string | undefined };
}

/**
 * For a loopback vault: a 401 challenge must name `resource` (the cloud's Key Vault resource) before the
 * SDK asks the credential for a token; any other resource or scope is refused.
 */
function loopbackChallengePolicy(resource: string) {
  const expected = resource.replace(/\/+$/, '').toLowerCase();
  return {
    name: 'tunnelsmithLoopbackVaultChallenge',
    async sendRequest(request: ChallengeRequest, next: (r: ChallengeRequest) => Promise<ChallengeResponse>): Promise<ChallengeResponse> {
      const response = await next(request);
      if (response.status !== 401) return response;
      const challenge = response.headers.get('www-authenticate') ?? '';
      const named = /\b(?:resource|scope)="([^"]*)"/i.exec(challenge)?.[1];
      if (named === undefined) return response;
      const asked = named.replace(/\/\.default$/i, '').replace(/\/+$/, '').toLowerCase();
      if (asked !== expected) {
        throw Object.assign(new Error(`The challenge resource '${named}' is not Key Vault's (${resource})`), { code: 'ChallengeResourceRefused' });
      }
      return response;
    },
  };
}
