/**
 * Cloud presets and endpoint resolution (hub-file.md, "Endpoint and credentials"). Pure: the
 * environment is passed in.
 */
import { UsageError } from '../../errors';

export type CloudName = 'AzureCloud' | 'AzureUSGovernment' | 'AzureChinaCloud';

export interface CloudPreset {
  name: CloudName;
  armEndpoint: string;
  authorityHost: string;
  /** Token scope for ARM. */
  armScope: string;
  /** `https://<vaultName>.<vaultSuffix>` */
  vaultSuffix: string;
}

export const CLOUDS: Readonly<Record<CloudName, CloudPreset>> = {
  AzureCloud: {
    name: 'AzureCloud',
    armEndpoint: 'https://management.azure.com',
    authorityHost: 'https://login.microsoftonline.com',
    armScope: 'https://management.azure.com/.default',
    vaultSuffix: 'vault.azure.net',
  },
  AzureUSGovernment: {
    name: 'AzureUSGovernment',
    armEndpoint: 'https://management.usgovcloudapi.net',
    authorityHost: 'https://login.microsoftonline.us',
    armScope: 'https://management.usgovcloudapi.net/.default',
    vaultSuffix: 'vault.usgovcloudapi.net',
  },
  AzureChinaCloud: {
    name: 'AzureChinaCloud',
    armEndpoint: 'https://management.chinacloudapi.cn',
    authorityHost: 'https://login.chinacloudapi.cn',
    armScope: 'https://management.chinacloudapi.cn/.default',
    vaultSuffix: 'vault.azure.cn',
  },
};

export const CLOUD_NAMES = Object.keys(CLOUDS) as CloudName[];

export interface EndpointInputs {
  cloud?: string;
  armEndpoint?: string;
  caFile?: string;
  vaultEndpoint?: string;
  /** The hub file's `azure.subscriptionId`. */
  hubSubscriptionId?: string;
}

export interface ResolvedEndpoints {
  cloud: CloudPreset;
  /** ARM base URL (the cloud's, or the override). */
  armEndpoint: string;
  /** Token scope: the cloud's ARM scope, also for an overridden endpoint (the emulator). */
  armScope: string;
  caFile?: string;
  /** A Key Vault base URL replacing `https://<vaultName>.<vaultSuffix>`. */
  vaultEndpoint?: string;
  subscriptionId: string;
}

/** Flags win over environment variables; the hub's subscription wins over AZURE_SUBSCRIPTION_ID. Pure. */
export function resolveEndpoints(inputs: EndpointInputs, env: NodeJS.ProcessEnv): ResolvedEndpoints {
  const cloudName = inputs.cloud ?? env.TUNNELSMITH_CLOUD ?? 'AzureCloud';
  const cloud = CLOUDS[cloudName as CloudName];
  if (!cloud) throw new UsageError('UnknownCloud', `unknown cloud ${cloudName}`, `use one of ${CLOUD_NAMES.join(', ')}`);
  const armEndpoint = trimSlash(inputs.armEndpoint ?? env.TUNNELSMITH_ARM_ENDPOINT ?? cloud.armEndpoint);
  checkHttps(armEndpoint, '--arm-endpoint / TUNNELSMITH_ARM_ENDPOINT');
  const vault = inputs.vaultEndpoint ?? env.TUNNELSMITH_VAULT_ENDPOINT;
  if (vault !== undefined) checkHttps(vault, '--vault-endpoint / TUNNELSMITH_VAULT_ENDPOINT');
  const subscriptionId = inputs.hubSubscriptionId ?? env.AZURE_SUBSCRIPTION_ID;
  if (!subscriptionId) {
    throw new UsageError('NoSubscription', 'no Azure subscription is named', 'set azure.subscriptionId in the hub file, or AZURE_SUBSCRIPTION_ID');
  }
  const caFile = inputs.caFile ?? env.TUNNELSMITH_CA_FILE;
  return {
    cloud,
    armEndpoint,
    armScope: cloud.armScope,
    subscriptionId,
    ...(caFile ? { caFile } : {}),
    ...(vault ? { vaultEndpoint: trimSlash(vault) } : {}),
  };
}

function trimSlash(u: string): string {
  return u.replace(/\/+$/, '');
}

function checkHttps(u: string, what: string): void {
  let url: URL;
  try {
    url = new URL(u);
  } catch {
    throw new UsageError('BadEndpoint', `${what} is not a URL: ${u}`, 'use https://host[:port]');
  }
  if (url.protocol !== 'https:') throw new UsageError('BadEndpoint', `${what} must use https (the Azure SDK refuses plain http): ${u}`, 'use https://host[:port], with --ca-file for a private certificate');
}
