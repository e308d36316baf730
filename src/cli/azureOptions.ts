/**
 * The options every Azure command shares (--file, --cloud, --arm-endpoint, --ca-file, --vault-endpoint)
 * and their resolution into an AzureApi. Light at import time: the SDK is loaded inside `connectAzure`.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Argv } from 'yargs';
import type { TokenCredential } from '@azure/core-auth';
import type { VaultCredential } from '../azure/client/credentials';
import type { AzureApi } from '../azure/client/api';
import type { ResolvedEndpoints } from '../azure/client/endpoints';
import type { SecretResolver } from '../azure/sharedKeys';
import { DEVICES } from '../devices/registry';
import { UsageError, formatProblem, type Problem } from '../errors';
import type { Hub, Site } from '../hub/types';
import type { LoadedHub } from '../io/readHub';
import { writeLine, type CliIO } from './command';

export interface AzureCliArgs {
  file?: string;
  cloud?: string;
  'arm-endpoint'?: string;
  'ca-file'?: string;
  'vault-endpoint'?: string;
}

/** Adds `--file` (the hub file). */
export function withHubFile<T>(y: Argv<T>): Argv<T & { file?: string }> {
  return y.option('file', { type: 'string', alias: 'f', describe: 'Hub file (default tunnelsmith.yaml)' });
}

/** Adds the endpoint and cloud options (flags win over their environment variables). */
export function withAzureOptions<T>(y: Argv<T>): Argv<T & AzureCliArgs> {
  return withHubFile(y)
    .option('cloud', { type: 'string', describe: 'AzureCloud | AzureUSGovernment | AzureChinaCloud (env TUNNELSMITH_CLOUD)' })
    .option('arm-endpoint', { type: 'string', describe: 'ARM endpoint URL, e.g. the emulator (env TUNNELSMITH_ARM_ENDPOINT)' })
    .option('ca-file', { type: 'string', describe: 'PEM file of an extra CA to trust (env TUNNELSMITH_CA_FILE)' })
    .option('vault-endpoint', { type: 'string', describe: 'Key Vault base URL replacing https://<vault>.vault.azure.net (env TUNNELSMITH_VAULT_ENDPOINT)' }) as unknown as Argv<T & AzureCliArgs>;
}

/** Reads and validates the hub file; prints its warnings to stderr. */
export async function loadHub(args: { file?: string }, io: CliIO): Promise<LoadedHub> {
  const { readHub } = await import('../io/readHub');
  const loaded = await readHub({ cwd: io.cwd, ...(args.file ? { file: args.file } : {}) });
  for (const w of loaded.warnings.filter((p) => p.severity === 'warning')) writeLine(io.stderr, formatProblem(w));
  return loaded;
}

/** What a command needs to talk to Azure. */
export interface AzureConnection {
  api: AzureApi;
  endpoints: ResolvedEndpoints;
  credential: TokenCredential;
  /** Key Vault's own credential (a token serves one audience). */
  vaultCredential: VaultCredential;
  ca?: string;
  /** Resolves `{env}`, `{file}` and `{keyVault}` references (values never printed). */
  resolveSecret: SecretResolver;
}

/** Injected in-process (the demo, tests): no environment lookup for these. */
export interface AzureInjection {
  credential?: TokenCredential;
  vaultCredential?: VaultCredential;
  ca?: string;
  armEndpoint?: string;
  vaultEndpoint?: string;
  pollIntervalMs?: number;
  retry?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
}

/**
 * Resolves endpoints and credentials and creates the SDK-backed AzureApi. Only the hub's subscription
 * is read, so a command without a hub file (`import`) passes `{ azure: { subscriptionId } }`.
 */
export async function connectAzure(hub: Pick<Hub, 'azure'> | { azure: { subscriptionId?: string } }, args: AzureCliArgs, io: CliIO, baseDir: string, inject: AzureInjection = {}): Promise<AzureConnection> {
  const { resolveEndpoints } = await import('../azure/client/endpoints');
  const endpoints = resolveEndpoints(
    {
      cloud: args.cloud,
      armEndpoint: inject.armEndpoint ?? args['arm-endpoint'],
      caFile: args['ca-file'],
      vaultEndpoint: inject.vaultEndpoint ?? args['vault-endpoint'],
      hubSubscriptionId: hub.azure.subscriptionId,
    },
    io.env,
  );
  const ca = inject.ca ?? (endpoints.caFile ? await readCaFile(path.resolve(io.cwd, endpoints.caFile)) : undefined);
  const { credentialsFor } = await import('../azure/client/credentials');
  const { arm: credential, vault: vaultCredential } = await credentialsFor(io.env, { authorityHost: endpoints.cloud.authorityHost, cwd: io.cwd }, inject);
  const { createSdkApi } = await import('../azure/client/sdk');
  const pollEnv = Number(io.env.TUNNELSMITH_POLL_INTERVAL_MS);
  const pollIntervalMs = inject.pollIntervalMs ?? (Number.isFinite(pollEnv) && pollEnv > 0 ? pollEnv : undefined);
  const api = createSdkApi({
    credential,
    subscriptionId: endpoints.subscriptionId,
    endpoint: endpoints.armEndpoint,
    credentialScopes: [endpoints.armScope],
    ...(ca ? { ca } : {}),
    ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
    ...(inject.retry ? { retry: inject.retry } : {}),
  });
  const resolveSecret = await secretResolver({ io, baseDir, credential: vaultCredential, endpoints, ...(ca ? { ca } : {}) });
  return { api, endpoints, credential, vaultCredential, resolveSecret, ...(ca ? { ca } : {}) };
}

async function readCaFile(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError('CaFileUnreadable', `cannot read the CA file ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'check --ca-file / TUNNELSMITH_CA_FILE');
  }
}

/** `{env}` and `{file}` through the hub loader's resolver; `{keyVault}` through the Key Vault client. */
async function secretResolver(o: { io: CliIO; baseDir: string; credential: VaultCredential; endpoints: ResolvedEndpoints; ca?: string }): Promise<SecretResolver> {
  const { createSecretResolver } = await import('../io/secrets');
  const resolver = createSecretResolver({
    env: o.io.env,
    baseDir: o.baseDir,
    keyVault: async (ref, where) => {
      const { createKeyVaultApi } = await import('../keyvault/sdk');
      const { vaultUrlFor } = await import('../keyvault/api');
      const { resolveKeyVaultRef } = await import('../keyvault/slot');
      const vaultUrl = vaultUrlFor(ref.vaultName, { endpoint: o.endpoints.vaultEndpoint, suffix: `.${o.endpoints.cloud.vaultSuffix}` });
      const api = createKeyVaultApi({ vaultUrl, credential: o.credential, ...(o.ca ? { ca: o.ca } : {}) });
      return resolveKeyVaultRef(api, ref, where);
    },
  });
  return async (ref, fieldPath) => {
    const r = await resolver.resolve(ref, fieldPath);
    for (const w of r.warnings) writeLine(o.io.stderr, formatProblem(w));
    return r.value;
  };
}

/** Checks a referenced shared key against Azure's rules and the site device's unsafe characters. */
export async function sharedKeyChecker(): Promise<(site: Site, key: string, where: string) => Problem[]> {
  const { checkSharedKey } = await import('../io/secrets');
  return (site, key, where) => checkSharedKey(key, where, DEVICES[site.device]);
}
