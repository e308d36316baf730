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
  /** Absolute path of the hub file. */
  file: string;
  /** Its folder: `{ file }` references and the key journal are relative to it. */
  baseDir: string;
  /** sha256 of the file's bytes (the manifest names the input it came from). */
  hubDigest: string;
  warnings: Problem[];
}

/** Reads and validates the hub file (YAML or JSON, via readHub); every problem is reported at once. */
export async function loadHubFile(file: string, cwd: string): Promise<LoadedHub> {
  const { readHub } = await import('../io/readHub');
  const loaded = await readHub({ file, cwd });
  return {
    hub: loaded.hub,
    file: loaded.file,
    baseDir: loaded.baseDir,
    hubDigest: createHash('sha256').update(loaded.source, 'utf8').digest('hex'),
    warnings: loaded.warnings.filter((p) => p.severity === 'warning'),
  };
}

/** The key Key Vault holds for a `{ keyVault }` reference (the secret resolver's plug). */
export function keyVaultReader(clients: () => Promise<AzureClients>): (ref: { vaultName: string; secretName: string }, where: string) => Promise<string> {
  return async (ref, where) => {
    const c = await clients();
    const { createKeyVaultApi } = await import('../keyvault/sdk');
    const { vaultUrlFor } = await import('../keyvault/api');
    const { resolveKeyVaultRef } = await import('../keyvault/slot');
    const api = createKeyVaultApi({ vaultUrl: vaultUrlFor(ref.vaultName, { ...(c.vaultEndpoint ? { endpoint: c.vaultEndpoint } : {}) }), credential: c.credential, ...(c.ca ? { ca: c.ca } : {}) });
    return resolveKeyVaultRef(api, ref, where);
  };
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
  // Long-running operations are polled every 2 s (the SDK default) unless Azure sends a Retry-After;
  // TUNNELSMITH_POLL_INTERVAL_MS shortens it against a local emulator.
  const poll = Number(o.env.TUNNELSMITH_POLL_INTERVAL_MS);
  const api = createSdkApi({ credential, subscriptionId, ...(endpoint ? { endpoint } : {}), ...(ca ? { ca } : {}), ...(Number.isFinite(poll) && poll > 0 ? { pollIntervalMs: poll } : {}) });
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
    archive: target.archive,
  });
  const w = written[0];
  if (!w) throw new InputError('NothingRendered', `site ${site}: nothing was rendered`, [], 'check --site and --device');
  return { dir: w.dir, files: w.files, ...(w.keyFile ? { keyFile: w.keyFile } : {}), ...(w.archive ? { archive: w.archive } : {}) };
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

/**
 * The facts and the shared keys a bundle is rendered with: live, the keys Azure holds; from a facts file,
 * its keys, else each site's reference (`{ env }`, `{ file }`, `{ keyVault }`). A site with neither is
 * left without a key: the render plan then refuses it clearly (unless redacted).
 */
export async function keysForBundle(
  loaded: LoadedHub,
  factsFile: string | undefined,
  clients: () => Promise<AzureClients>,
  env: NodeJS.ProcessEnv,
  onlySite: string | undefined,
  onWarning: (p: Problem) => void,
): Promise<{ facts: AzureFacts; keys: Record<string, string | undefined> }> {
  const hub = loaded.hub;
  let facts: AzureFacts;
  if (factsFile) {
    const { readFactsFile } = await import('../facts/io');
    facts = await readFactsFile(factsFile);
  } else {
    const { readBackFacts } = await import('../azure/readBack');
    facts = await readBackFacts((await clients()).api, hub, { includeKeys: true });
  }
  const keys: Record<string, string | undefined> = Object.fromEntries(facts.sites.map((s) => [s.name, s.sharedKey]));
  const { createSecretResolver } = await import('../io/secrets');
  const resolver = createSecretResolver({ env, baseDir: loaded.baseDir, keyVault: keyVaultReader(clients) });
  for (const [i, site] of hub.sites.entries()) {
    if (onlySite && site.name !== onlySite) continue;
    if (keys[site.name] !== undefined || !site.sharedKey) continue;
    const r = await resolver.resolve(site.sharedKey, `sites[${i}].sharedKey`);
    for (const w of r.warnings) onWarning(w);
    keys[site.name] = r.value;
  }
  return { facts, keys };
}
