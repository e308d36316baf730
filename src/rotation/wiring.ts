/**
 * The I/O behind `rotate-key` and `bundle`: loading the hub file, the Azure and Key Vault clients, the
 * facts a bundle is rendered from, and the bundle writer. The command modules import this lazily.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { TokenCredential } from '@azure/core-auth';
import type { AzureApi } from '../azure/api';
import { InputError, UsageError, type Problem } from '../errors';
import type { AzureFacts } from '../facts/types';
import type { Hub, Site } from '../hub/types';
import type { DeviceSelection } from '../render/plan';
import type { VaultSlot } from './ports';

export interface LoadedHub {
  hub: Hub;
  file: string;
  /** sha256 of the file's bytes (the manifest names the input it came from). */
  hubDigest: string;
  warnings: Problem[];
}

/** Reads and validates the hub file (YAML or JSON); every problem is reported at once. */
export async function loadHubFile(file: string): Promise<LoadedHub> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (e) {
    throw new InputError('HubFileUnreadable', `cannot read the hub file ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, [], 'pass --file PATH, or run where tunnelsmith.yaml is');
  }
  const { parse } = await import('yaml');
  let raw: unknown;
  try {
    raw = parse(bytes.toString('utf8'));
  } catch (e) {
    throw new InputError('HubFileSyntax', `${file}: not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}`, [], 'fix the syntax at the position named');
  }
  const { validateHub } = await import('../hub/validate');
  const result = validateHub(raw);
  const errors = result.problems.filter((p) => p.severity === 'error');
  if (!result.hub || errors.length > 0) throw new InputError('HubInvalid', `${file} is not a valid hub file`, result.problems, 'fix the listed fields (tunnelsmith validate)');
  return { hub: result.hub, file, hubDigest: createHash('sha256').update(bytes).digest('hex'), warnings: result.problems.filter((p) => p.severity === 'warning') };
}

export interface AzureConnectOptions {
  armEndpoint?: string;
  caFile?: string;
  vaultEndpoint?: string;
  env: NodeJS.ProcessEnv;
}

export interface AzureClients {
  api: AzureApi;
  credential: TokenCredential;
  ca?: string;
  vaultEndpoint?: string;
}

/** The Azure clients: endpoint, CA and token from flags or TUNNELSMITH_* variables. Nothing is sent yet. */
export async function connectAzure(hub: Hub, o: AzureConnectOptions): Promise<AzureClients> {
  const subscriptionId = hub.azure.subscriptionId ?? o.env.AZURE_SUBSCRIPTION_ID;
  if (!subscriptionId) throw new UsageError('NoSubscription', 'no Azure subscription: the hub file names none and AZURE_SUBSCRIPTION_ID is not set', 'set azure.subscriptionId in the hub file or AZURE_SUBSCRIPTION_ID');
  const endpoint = o.armEndpoint ?? o.env.TUNNELSMITH_ARM_ENDPOINT;
  const caFile = o.caFile ?? o.env.TUNNELSMITH_CA_FILE;
  let ca: string | undefined;
  if (caFile) {
    try {
      ca = await fs.readFile(caFile, 'utf8');
    } catch {
      throw new InputError('CaFileUnreadable', `cannot read the CA file ${caFile}`, [], 'pass --ca-file with a PEM certificate');
    }
  }
  const credential = await makeCredential(o.env);
  const { createSdkApi } = await import('../azure/sdk');
  const api = createSdkApi({ credential, subscriptionId, ...(endpoint ? { endpoint } : {}), ...(ca ? { ca } : {}) });
  const vaultEndpoint = o.vaultEndpoint ?? o.env.TUNNELSMITH_VAULT_ENDPOINT;
  return { api, credential, ...(ca ? { ca } : {}), ...(vaultEndpoint ? { vaultEndpoint } : {}) };
}

async function makeCredential(env: NodeJS.ProcessEnv): Promise<TokenCredential> {
  const token = env.TUNNELSMITH_ARM_TOKEN;
  if (token) {
    return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
  }
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new DefaultAzureCredential();
}

/** The Key Vault slot of a site whose `sharedKey` is a `{ keyVault }` reference; undefined otherwise. */
export async function vaultSlotFor(site: Site, clients: AzureClients): Promise<VaultSlot | undefined> {
  const ref = site.sharedKey;
  if (!ref || !('keyVault' in ref)) return undefined;
  const { createKeyVaultApi } = await import('../keyvault/sdk');
  const { vaultUrlFor } = await import('../keyvault/api');
  const { vaultSlot } = await import('../keyvault/slot');
  const api = createKeyVaultApi({ vaultUrl: vaultUrlFor(ref.keyVault.vaultName, { ...(clients.vaultEndpoint ? { endpoint: clients.vaultEndpoint } : {}) }), credential: clients.credential, ...(clients.ca ? { ca: clients.ca } : {}) });
  return vaultSlot(api, ref.keyVault);
}

export interface BundleTarget {
  outDir: string;
  device: DeviceSelection;
  redact: boolean;
  archive: boolean;
  force: boolean;
}

export interface WrittenBundle {
  dir: string;
  keyFile?: string;
  archive?: string;
  files: string[];
}

/** Writes one site's bundle rendered with `key` (and its archive when asked). */
export async function writeSiteBundle(loaded: LoadedHub, facts: AzureFacts, site: string, key: string | undefined, target: BundleTarget): Promise<WrittenBundle> {
  const { renderAndWriteBundle } = await import('../io/writeBundle');
  const written = await renderAndWriteBundle({
    hub: loaded.hub,
    hubDigest: loaded.hubDigest,
    facts,
    keys: { [site]: key },
    outDir: target.outDir,
    device: target.device,
    site,
    redact: target.redact,
    force: target.force,
  });
  const w = written[0];
  if (!w) throw new InputError('NothingRendered', `site ${site}: nothing was rendered`, [], 'check --site and --device');
  let archive: string | undefined;
  if (target.archive) {
    const { writeSiteArchive } = await import('../bundle/writeArchive');
    archive = await writeSiteArchive(target.outDir, site, { holdsSecret: !target.redact && key !== undefined });
  }
  return { dir: w.dir, files: w.files, ...(w.keyFile ? { keyFile: w.keyFile } : {}), ...(archive ? { archive } : {}) };
}

/** Facts for rendering: from a facts file, or read back from Azure (without keys: the caller supplies them). */
export async function readFactsFor(hub: Hub, factsFile: string | undefined, clients: () => Promise<AzureClients>): Promise<AzureFacts> {
  if (factsFile) {
    const { readFactsFile } = await import('../facts/io');
    return readFactsFile(factsFile);
  }
  const { readBackFacts } = await import('../azure/readBack');
  return readBackFacts((await clients()).api, hub, { includeKeys: false });
}

/** `<out>` resolved against the working folder. */
export function resolveOut(cwd: string, out: string): string {
  return path.resolve(cwd, out);
}
