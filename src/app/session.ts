/**
 * A run's session with one hub: the hub file read and validated (its warnings returned, never printed),
 * the Azure connection made on first use, and the secret resolver over both (`{ keyVault }` through
 * that connection). What every command that works on a hub file starts from.
 */
import type { Problem } from '../errors';
import { hubId, type Hub, type SecretRef } from '../hub/types';
import type { AcquireHubLockOptions } from '../io/hubLock';
import type { SecretResolver } from '../io/secrets';
import { connectAzure, type AzureConnectOptions, type AzureConnection, type Surroundings } from './connectAzure';
import { keyVaultReader, vaultAccessOf } from './keyVault';

export interface HubSession {
  hub: Hub;
  /** `<resourceGroup>/<vnet>`. */
  hubId: string;
  /** Absolute path of the hub file. */
  file: string;
  /** Its folder: `{ file }` references and the key journal are relative to it. */
  baseDir: string;
  /** The file's text (a bundle's manifest names the input it came from by its digest). */
  source: string;
  /** The hub file's warnings, for the caller to show. */
  warnings: Problem[];
  /** The Azure connection, made on the first call. */
  azure(): Promise<AzureConnection>;
  /** Resolves `{ env }`, `{ file }` and `{ keyVault }` references; values are never printed. */
  secrets: SecretResolver;
}

export interface OpenHubOptions extends Surroundings {
  /** The hub file; default `tunnelsmith.yaml` in `cwd`. */
  file?: string;
  azure?: AzureConnectOptions;
}

/** Reads and validates the hub file (every problem at once); Azure is not asked yet. */
export async function openHub(o: OpenHubOptions): Promise<HubSession> {
  const { readHub } = await import('../io/readHub');
  const loaded = await readHub({ cwd: o.cwd, ...(o.file !== undefined ? { file: o.file } : {}) });
  const hub = loaded.hub;
  let connection: Promise<AzureConnection> | undefined;
  const azure = () => (connection ??= connectAzure(hub.azure.subscriptionId, o.azure ?? {}, o));
  const { createSecretResolver } = await import('../io/secrets');
  return {
    hub,
    hubId: hubId(hub),
    file: loaded.file,
    baseDir: loaded.baseDir,
    source: loaded.source,
    warnings: loaded.warnings.filter((p) => p.severity === 'warning'),
    azure,
    secrets: createSecretResolver({ env: o.env, baseDir: loaded.baseDir, keyVault: keyVaultReader(async () => vaultAccessOf(await azure())) }),
  };
}

/** A secret's value alone (what deploy's key store takes); its warnings, e.g. a key file others can read, go to `onWarning`. */
export function secretValues(session: Pick<HubSession, 'secrets'>, onWarning: (p: Problem) => void): (ref: SecretRef, where: string) => Promise<string> {
  return async (ref, where) => {
    const r = await session.secrets.resolve(ref, where);
    for (const w of r.warnings) onWarning(w);
    return r.value;
  };
}

/** What names a hub's lock (io/hubLock.ts): the hub file's folder, the resource group and the VNet. */
export type HubLockPlace = Pick<AcquireHubLockOptions, 'hubFile' | 'resourceGroup' | 'vnet'>;

/** The place of this hub's lock. */
export function hubLockPlace(session: Pick<HubSession, 'file' | 'hub'>): HubLockPlace {
  return { hubFile: session.file, resourceGroup: session.hub.azure.resourceGroup, vnet: session.hub.azure.vnet.name };
}

/** How a message names a reference (never its value). */
export function describeSecretRef(ref: SecretRef): string {
  if ('env' in ref) return `environment variable ${ref.env}`;
  if ('file' in ref) return `key file ${ref.file}`;
  return `Key Vault secret ${ref.keyVault.vaultName}/${ref.keyVault.secretName}`;
}
