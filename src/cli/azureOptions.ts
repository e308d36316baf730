/**
 * The options every Azure command shares (--file, --cloud, --arm-endpoint, --ca-file, --vault-endpoint),
 * turned into the app's connect options, and the hub session a command starts from. Light at import
 * time: the app modules are loaded inside `openHubSession`.
 */
import type { Argv } from 'yargs';
import type { AzureConnectOptions } from '../app/connectAzure';
import type { HubSession } from '../app/session';
import { warnTo, type CliIO } from './command';

export interface AzureCliArgs {
  file?: string;
  cloud?: string;
  'arm-endpoint'?: string;
  'ca-file'?: string;
  'vault-endpoint'?: string;
  /** --json: the hub file's warnings are JSON lines. */
  json?: boolean;
}

/** How tunnelsmith signs in to Azure, for `--help` (the top level and every command that reaches Azure). */
export const AUTHENTICATION =
  'Authentication: TUNNELSMITH_ARM_TOKEN (a bearer token: CI, Azure Stack Hub, the emulator), else DefaultAzureCredential: ' +
  'a service principal (AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH), ' +
  'workload identity, managed identity, or the Azure CLI login (az login). ' +
  'Subscription: azure.subscriptionId in the hub file, else AZURE_SUBSCRIPTION_ID.';

/** Injected in-process (the demo, tests): no environment lookup for these. */
export type AzureInjection = Pick<AzureConnectOptions, 'credential' | 'vaultCredential' | 'ca' | 'armEndpoint' | 'vaultEndpoint' | 'pollIntervalMs' | 'retry'>;

/** Adds `--file` (the hub file). */
export function withHubFile<T>(y: Argv<T>): Argv<T & { file?: string }> {
  return y.option('file', { type: 'string', alias: 'f', describe: 'Hub file (default tunnelsmith.yaml)' });
}

/** Adds the endpoint and cloud options (flags win over their environment variables) and says how to sign in. */
export function withAzureOptions<T>(y: Argv<T>): Argv<T & AzureCliArgs> {
  return withHubFile(y)
    .epilogue(AUTHENTICATION)
    .option('cloud', { type: 'string', describe: 'AzureCloud | AzureUSGovernment | AzureChinaCloud (env TUNNELSMITH_CLOUD)' })
    .option('arm-endpoint', { type: 'string', describe: 'ARM endpoint URL, e.g. the emulator (env TUNNELSMITH_ARM_ENDPOINT)' })
    .option('ca-file', { type: 'string', describe: 'PEM file of an extra CA to trust (env TUNNELSMITH_CA_FILE)' })
    .option('vault-endpoint', { type: 'string', describe: 'Key Vault base URL replacing https://<vault>.vault.azure.net (env TUNNELSMITH_VAULT_ENDPOINT)' }) as unknown as Argv<T & AzureCliArgs>;
}

/** The flags, with what the demo or a test injects winning over the endpoints. */
export function azureConnectOptions(args: Omit<AzureCliArgs, 'file'>, inject: AzureInjection = {}): AzureConnectOptions {
  return {
    cloud: args.cloud,
    armEndpoint: inject.armEndpoint ?? args['arm-endpoint'],
    caFile: args['ca-file'],
    vaultEndpoint: inject.vaultEndpoint ?? args['vault-endpoint'],
    credential: inject.credential,
    vaultCredential: inject.vaultCredential,
    ca: inject.ca,
    pollIntervalMs: inject.pollIntervalMs,
    retry: inject.retry,
  };
}

/** Reads and validates the hub file (`--file`) and prints its warnings to stderr; Azure is reached on first use. */
export async function openHubSession(args: AzureCliArgs, io: CliIO, inject: AzureInjection = {}): Promise<HubSession> {
  const { openHub } = await import('../app/session');
  const session = await openHub({ cwd: io.cwd, env: io.env, azure: azureConnectOptions(args, inject), ...(args.file !== undefined ? { file: args.file } : {}) });
  session.warnings.forEach(warnTo(io, args.json));
  return session;
}
