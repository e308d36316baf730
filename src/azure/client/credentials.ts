/**
 * Credentials: `TUNNELSMITH_ARM_TOKEN` (a static bearer token, for CI with a pre-fetched token, Azure
 * Stack Hub or the emulator), else `DefaultAzureCredential` (environment service principal, workload
 * identity, managed identity, Azure CLI, ...), imported lazily. Tests always inject a credential.
 */
import type { AccessToken, TokenCredential } from '@azure/core-auth';

/** A credential that always returns the same token (valid for an hour from each call). */
export function staticTokenCredential(token: string): TokenCredential {
  return {
    async getToken(): Promise<AccessToken> {
      return { token, expiresOnTimestamp: Date.now() + 60 * 60 * 1000 };
    },
  };
}

/** The credential for ARM (and Key Vault): the static token when set, else DefaultAzureCredential. */
export async function credentialFromEnvironment(env: NodeJS.ProcessEnv, authorityHost: string): Promise<TokenCredential> {
  const token = env.TUNNELSMITH_ARM_TOKEN;
  if (token) return staticTokenCredential(token);
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new DefaultAzureCredential({ authorityHost });
}
