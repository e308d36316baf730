/**
 * The one way to Azure: endpoints (flags, then their environment variables), the credential, an extra
 * CA to trust, and the SDK-backed AzureApi. The SDK is loaded inside `connectAzure`.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { TokenCredential, VaultCredential } from '../azure/client/credentials';
import type { AzureApi } from '../azure/client/api';
import type { ResolvedEndpoints } from '../azure/client/endpoints';
import { UsageError } from '../errors';

/** Where Azure is and how to reach it (`--cloud`, `--arm-endpoint`, `--ca-file`, `--vault-endpoint`). */
export interface AzureConnectOptions {
  cloud?: string;
  armEndpoint?: string;
  /** A PEM file of an extra CA to trust, relative to the working folder. */
  caFile?: string;
  vaultEndpoint?: string;
  /** In-process (the demo, tests): this credential, without looking at the environment. */
  credential?: TokenCredential;
  /** In-process: Key Vault's own credential (a token serves one audience); default: `credential` unless that is a static token. */
  vaultCredential?: VaultCredential;
  /** In-process: the extra CA's PEM text (no file is read). */
  ca?: string;
  pollIntervalMs?: number;
  retry?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
}

/** What a run is given by its process: the environment and the working folder. */
export interface Surroundings {
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** What a command needs to talk to Azure and Key Vault. */
export interface AzureConnection {
  api: AzureApi;
  endpoints: ResolvedEndpoints;
  credential: TokenCredential;
  /** Key Vault's own credential (a token serves one audience). */
  vaultCredential: VaultCredential;
  ca?: string;
}

/**
 * Resolves endpoints and credentials and creates the SDK-backed AzureApi. `subscriptionId` is the hub's
 * (`azure.subscriptionId`); without one, AZURE_SUBSCRIPTION_ID names it.
 */
export async function connectAzure(subscriptionId: string | undefined, options: AzureConnectOptions, where: Surroundings): Promise<AzureConnection> {
  const { resolveEndpoints } = await import('../azure/client/endpoints');
  const endpoints = resolveEndpoints(
    { cloud: options.cloud, armEndpoint: options.armEndpoint, caFile: options.caFile, vaultEndpoint: options.vaultEndpoint, hubSubscriptionId: subscriptionId },
    where.env,
  );
  const ca = options.ca ?? (endpoints.caFile ? await readCaFile(path.resolve(where.cwd, endpoints.caFile)) : undefined);
  const { credentialsFor } = await import('../azure/client/credentials');
  const injected = { ...(options.credential ? { credential: options.credential } : {}), ...(options.vaultCredential ? { vaultCredential: options.vaultCredential } : {}) };
  const { arm: credential, vault: vaultCredential } = await credentialsFor(where.env, { authorityHost: endpoints.cloud.authorityHost, cwd: where.cwd }, injected);
  const { createSdkApi } = await import('../azure/client/sdk');
  const pollEnv = Number(where.env.TUNNELSMITH_POLL_INTERVAL_MS);
  const pollIntervalMs = options.pollIntervalMs ?? (Number.isFinite(pollEnv) && pollEnv > 0 ? pollEnv : undefined);
  const api = createSdkApi({
    credential,
    subscriptionId: endpoints.subscriptionId,
    endpoint: endpoints.armEndpoint,
    credentialScopes: [endpoints.armScope],
    ...(ca ? { ca } : {}),
    ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  });
  return { api, endpoints, credential, vaultCredential, ...(ca ? { ca } : {}) };
}

/** The PEM text of an extra CA; `shown` names the file in the message (default: its path). */
export async function readCaFile(file: string, shown = file): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError('CaFileUnreadable', `cannot read the CA file ${shown} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'check --ca-file / TUNNELSMITH_CA_FILE');
  }
}
