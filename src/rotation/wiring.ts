/**
 * The I/O behind `rotate-key` and `bundle`: loading the hub file, the Azure and Key Vault clients, the
 * facts a bundle is rendered from, and the bundle writer. The command modules import this lazily.
 */
import path from 'node:path';
import type { TokenCredential } from '@azure/core-auth';
import type { AzureApi } from '../azure/client/api';
import type { AzureCliArgs } from '../cli/azureOptions';
import type { CliIO } from '../cli/command';
import { sha256 } from '../bundle/build';
import { InputError, type Problem } from '../errors';
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
    hubDigest: sha256(loaded.source),
    warnings: loaded.warnings.filter((p) => p.severity === 'warning'),
  };
}

function vaultLocation(c: AzureClients): { endpoint?: string; suffix?: string } {
  return { ...(c.vaultEndpoint ? { endpoint: c.vaultEndpoint } : {}), ...(c.vaultSuffix ? { suffix: `.${c.vaultSuffix}` } : {}) };
}

/** The key Key Vault holds for a `{ keyVault }` reference (the secret resolver's plug). */
export function keyVaultReader(clients: () => Promise<AzureClients>): (ref: { vaultName: string; secretName: string }, where: string) => Promise<string> {
  return async (ref, where) => {
    const c = await clients();
    const { createKeyVaultApi } = await import('../keyvault/sdk');
    const { vaultUrlFor } = await import('../keyvault/api');
    const { resolveKeyVaultRef } = await import('../keyvault/slot');
    const api = createKeyVaultApi({ vaultUrl: vaultUrlFor(ref.vaultName, vaultLocation(c)), credential: c.credential, ...(c.ca ? { ca: c.ca } : {}) });
    return resolveKeyVaultRef(api, ref, where);
  };
}

export interface AzureClients {
  api: AzureApi;
  credential: TokenCredential;
  ca?: string;
  vaultEndpoint?: string;
  /** The cloud's Key Vault suffix, e.g. `vault.azure.net`. */
  vaultSuffix?: string;
}

/** The Azure clients, through the options every Azure command shares (cloud, endpoints, CA, token). */
export async function connectAzure(hub: Hub, args: AzureCliArgs, io: CliIO, baseDir: string): Promise<AzureClients> {
  const { connectAzure: connect } = await import('../cli/azureOptions');
  const c = await connect(hub, args, io, baseDir);
  return {
    api: c.api,
    credential: c.credential,
    ...(c.ca ? { ca: c.ca } : {}),
    ...(c.endpoints.vaultEndpoint ? { vaultEndpoint: c.endpoints.vaultEndpoint } : {}),
    vaultSuffix: c.endpoints.cloud.vaultSuffix,
  };
}

/** The Key Vault slot of a site whose `sharedKey` is a `{ keyVault }` reference; undefined otherwise. */
export async function vaultSlotFor(site: Site, clients: AzureClients): Promise<VaultSlot | undefined> {
  const ref = site.sharedKey;
  if (!ref || !('keyVault' in ref)) return undefined;
  const { createKeyVaultApi } = await import('../keyvault/sdk');
  const { vaultUrlFor } = await import('../keyvault/api');
  const { vaultSlot } = await import('../keyvault/slot');
  const api = createKeyVaultApi({ vaultUrl: vaultUrlFor(ref.keyVault.vaultName, vaultLocation(clients)), credential: clients.credential, ...(clients.ca ? { ca: clients.ca } : {}) });
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
 * left without a key: the render plan then refuses it clearly (unless redacted). Only the references of
 * `onlySites` are read (all sites' when absent).
 */
export async function keysForBundle(
  loaded: LoadedHub,
  factsFile: string | undefined,
  clients: () => Promise<AzureClients>,
  env: NodeJS.ProcessEnv,
  onlySites: readonly string[] | undefined,
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
    if (onlySites && !onlySites.includes(site.name)) continue;
    if (keys[site.name] !== undefined || !site.sharedKey) continue;
    const r = await resolver.resolve(site.sharedKey, `sites[${i}].sharedKey`);
    for (const w of r.warnings) onWarning(w);
    keys[site.name] = r.value;
  }
  return { facts, keys };
}
