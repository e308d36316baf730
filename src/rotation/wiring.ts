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
import { InputError, isAppError, type Problem } from '../errors';
import type { AzureFacts } from '../facts/types';
import type { Hub, SecretRef, Site } from '../hub/types';
import type { DeviceSelection } from '../render/plan';
import type { RotationJournalEntry } from './journalStore';
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
    keySources: { [site]: 'the key journal' },
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
    const { readFactsFile } = await import('../io/factsFile');
    return readFactsFile(factsFile);
  }
  const { readBackFacts } = await import('../azure/readBack');
  return readBackFacts((await clients()).api, hub, { includeKeys: false });
}

/** `<out>` resolved against the working folder. */
export function resolveOut(cwd: string, out: string): string {
  return path.resolve(cwd, out);
}

/** How a message names a reference (never its value). */
export function describeSecretRef(ref: SecretRef): string {
  if ('env' in ref) return `environment variable ${ref.env}`;
  if ('file' in ref) return `key file ${ref.file}`;
  return `Key Vault secret ${ref.keyVault.vaultName}/${ref.keyVault.secretName}`;
}

/**
 * The facts and the shared keys a bundle is rendered with (hub-file.md, "Which shared key is the real
 * one"). Live: the keys Azure holds, with a warning for a reference or journal that disagrees. From a
 * facts file (Azure is not asked): the key journal's active key, else the facts file's key, else the
 * site's reference; sources that disagree stop the render (exit 3) with the stale one named. A site
 * with no key at all is left without one: the render plan then refuses it clearly (unless redacted).
 */
export async function keysForBundle(
  loaded: LoadedHub,
  factsFile: string | undefined,
  clients: () => Promise<AzureClients>,
  env: NodeJS.ProcessEnv,
  onlySites: readonly string[] | undefined,
  onWarning: (p: Problem) => void,
): Promise<{ facts: AzureFacts; keys: Record<string, string | undefined>; keySources: Record<string, string> }> {
  const hub = loaded.hub;
  let facts: AzureFacts;
  if (factsFile) {
    const { readFactsFile } = await import('../io/factsFile');
    facts = await readFactsFile(factsFile);
  } else {
    const { readBackFacts } = await import('../azure/readBack');
    facts = await readBackFacts((await clients()).api, hub, { includeKeys: true });
  }
  const { createSecretResolver } = await import('../io/secrets');
  const { chooseFactsKey, compareLiveKey } = await import('../bundle/keySource');
  const resolver = createSecretResolver({ env, baseDir: loaded.baseDir, keyVault: keyVaultReader(clients) });
  const journal = await readJournalKeys(loaded);
  const factsKeys = new Map(facts.sites.map((s) => [s.name, s.sharedKey]));
  const keys: Record<string, string | undefined> = {};
  const keySources: Record<string, string> = {};
  const problems: Problem[] = [];
  for (const [i, site] of hub.sites.entries()) {
    if (onlySites && !onlySites.includes(site.name)) continue;
    const sitePath = `sites[${i}]`;
    const journalKey = journal.get(site.connectionName);
    const factsKey = factsKeys.get(site.name);
    const resolve = async (strict: boolean): Promise<{ key: string; label: string } | undefined> => {
      if (!site.sharedKey) return undefined;
      try {
        const r = await resolver.resolve(site.sharedKey, `${sitePath}.sharedKey`);
        for (const w of r.warnings) onWarning(w);
        return { key: r.value, label: describeSecretRef(site.sharedKey) };
      } catch (e) {
        // Only for a comparison: a reference that cannot be read here says nothing about the key in use.
        if (strict || !isAppError(e)) throw e;
        return undefined;
      }
    };
    if (!factsFile) {
      const azure = factsKey;
      keys[site.name] = azure;
      keySources[site.name] = 'Azure';
      if (azure !== undefined) {
        const reference = await resolve(false);
        for (const w of compareLiveKey({ site: site.name, sitePath, azure, ...(journalKey ? { journal: journalKey } : {}), ...(reference ? { reference } : {}) })) onWarning(w);
      }
      continue;
    }
    // Azure is not asked, Key Vault included: a vault reference is read only when it is the only source.
    const higher = journalKey !== undefined || factsKey !== undefined;
    const reference = !higher ? await resolve(true) : site.sharedKey && !('keyVault' in site.sharedKey) ? await resolve(false) : undefined;
    const choice = chooseFactsKey({ site: site.name, sitePath, ...(journalKey ? { journal: journalKey } : {}), ...(factsKey !== undefined ? { facts: factsKey } : {}), ...(reference ? { reference } : {}) });
    problems.push(...choice.problems);
    keys[site.name] = choice.key;
    if (choice.source) keySources[site.name] = choice.source;
  }
  if (problems.length > 0) {
    throw new InputError('StaleKey', 'nothing was written: the sources of a shared key disagree, and a bundle must carry the key Azure holds', problems, 'fix the stale source named above, or render without --facts to take the keys Azure holds');
  }
  return { facts, keys, keySources };
}

/** The key journal's active key per connection of the hub (with the rotation's state). */
async function readJournalKeys(loaded: LoadedHub): Promise<Map<string, import('../bundle/keySource').JournalKey>> {
  const { keyJournalDir, listKeyJournal } = await import('../io/keyJournal');
  const { hubId } = await import('../hub/types');
  const out = new Map<string, import('../bundle/keySource').JournalKey>();
  for (const entry of (await listKeyJournal(keyJournalDir(loaded.file), hubId(loaded.hub))) as RotationJournalEntry[]) {
    if (entry.current.state !== 'active') continue;
    const rotationState = entry.rotation?.state ?? (entry.pending ? 'prepared' : 'idle');
    out.set(entry.connectionName, { key: entry.current.key, since: entry.current.since, rotationState });
  }
  return out;
}
