/**
 * Resolves the hub's secret references (`{ env }`, `{ file }`, `{ keyVault }`) and checks key values.
 * Messages name the reference (variable, file, vault) and never the value. Key Vault is a plug: pass a
 * `KeyVaultReader` (built from `--vault-endpoint` and credentials) to `createSecretResolver`; without
 * one a Key Vault reference fails with a clear InputError.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { modeText } from '../bundle/manifest';
import { DEVICES } from '../devices/registry';
import { InputError, isAppError, type Problem } from '../errors';
import type { DeviceTable } from '../hub/rules';
import { checkSharedKey } from '../hub/sharedKey';

export { checkSharedKey };
import type { Hub, SecretRef } from '../hub/types';

export interface ResolvedSecret {
  value: string;
  /** E.g. a key file readable by others. */
  warnings: Problem[];
}

export interface SecretResolver {
  /** Resolves one reference; `where` is its hub-file path for messages. Throws InputError when it cannot. */
  resolve(ref: SecretRef, where: string): Promise<ResolvedSecret>;
}

export type KeyVaultReader = (ref: { vaultName: string; secretName: string }, where: string) => Promise<string>;

export interface SecretResolverOptions {
  env: NodeJS.ProcessEnv;
  /** Folder that `{ file }` paths are relative to (the hub file's folder). */
  baseDir: string;
  keyVault?: KeyVaultReader;
  /** For the permission check; default the running platform. */
  platform?: NodeJS.Platform;
}

const MAX_SECRET_FILE_BYTES = 64 * 1024;

/** A resolver for env and file references, delegating Key Vault references to `opts.keyVault`. */
export function createSecretResolver(opts: SecretResolverOptions): SecretResolver {
  const platform = opts.platform ?? process.platform;
  const keyVault = opts.keyVault ?? keyVaultNotConfigured;
  return {
    async resolve(ref, where) {
      if ('env' in ref) return { value: readEnv(opts.env, ref.env, where), warnings: [] };
      if ('file' in ref) return readSecretFile(path.resolve(opts.baseDir, ref.file), ref.file, where, platform);
      return { value: await keyVault(ref.keyVault, where), warnings: [] };
    },
  };
}

/**
 * Resolves one `{ env }` or `{ file }` reference to its value (a `{ keyVault }` reference throws the
 * not-configured InputError: Key Vault callers resolve it with their own client). Warnings such as a key
 * file readable by others go to `onWarning`.
 */
export async function resolveSecretRef(
  ref: SecretRef,
  opts: { fieldPath: string; baseDir: string; env: NodeJS.ProcessEnv; onWarning?: (p: Problem) => void },
): Promise<string> {
  const r = await createSecretResolver({ env: opts.env, baseDir: opts.baseDir }).resolve(ref, opts.fieldPath);
  for (const w of r.warnings) opts.onWarning?.(w);
  return r.value;
}

/** The plug's default: Key Vault cannot be reached without an endpoint and credentials. */
export const keyVaultNotConfigured: KeyVaultReader = async (ref, where) => {
  throw new InputError(
    'KeyVaultNotConfigured',
    `${where}: secret ${ref.secretName} in Key Vault ${ref.vaultName} cannot be read: Key Vault is not configured for this command`,
    [],
    'Key Vault needs --vault-endpoint (or TUNNELSMITH_VAULT_ENDPOINT) and Azure credentials; or use { env: NAME } / { file: PATH }',
  );
};

function readEnv(env: NodeJS.ProcessEnv, name: string, where: string): string {
  const value = env[name];
  if (value === undefined) {
    throw new InputError('SecretNotFound', `${where}: environment variable ${name} is not set`, [], `export ${name} before running tunnelsmith`);
  }
  if (value === '') throw new InputError('SecretNotFound', `${where}: environment variable ${name} is empty`, [], `set ${name} to the key`);
  return value;
}

async function readSecretFile(abs: string, shown: string, where: string, platform: NodeJS.Platform): Promise<ResolvedSecret> {
  const warnings: Problem[] = [];
  let text: string;
  try {
    const stat = await fs.stat(abs);
    if (!stat.isFile()) throw new InputError('SecretNotFound', `${where}: ${shown} is not a file`, [], 'point { file } at the file holding the key');
    if (stat.size > MAX_SECRET_FILE_BYTES) throw new InputError('SecretInvalid', `${where}: ${shown} is larger than 64 KiB; it should hold one key`, [], 'point { file } at the file holding the key');
    if (platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      const mode = modeText(stat.mode);
      warnings.push({ path: where, severity: 'warning', message: `the key file ${shown} can be read by other users (mode ${mode})`, fix: `chmod 600 ${shown}` });
    }
    text = await fs.readFile(abs, 'utf8');
  } catch (e) {
    if (isAppError(e)) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new InputError('SecretNotFound', `${where}: cannot read the key file ${shown} (${code})`, [], 'check the path (relative to the hub file) and its permissions', { cause: e });
  }
  const value = text.replace(/[\r\n]+$/, '');
  if (value === '') throw new InputError('SecretInvalid', `${where}: the key file ${shown} is empty`, [], 'write the key into the file');
  return { value, warnings };
}

/** An ExpressRoute authorization key: non-empty printable ASCII without spaces. Pure. */
export function checkAuthorizationKey(value: string, where: string): Problem[] {
  if (/^[\x21-\x7e]{1,256}$/.test(value)) return [];
  return [{ path: where, severity: 'error', message: 'the authorization key must be 1..256 printable ASCII characters without spaces', fix: 'copy the key exactly as the circuit owner gave it (az network express-route auth show)' }];
}

export interface ResolvedHubSecrets {
  /** Shared keys by site name, for the sites that have a reference and resolved cleanly. */
  sharedKeys: Map<string, string>;
  authorizationKey?: string;
  /** Every resolution failure and key problem (errors) and permission warnings. */
  problems: Problem[];
}

/**
 * Resolves every secret reference of the hub and checks the values (shared keys against Azure and the
 * site's device). Collects all problems instead of stopping at the first.
 */
export async function resolveHubSecrets(hub: Hub, resolver: SecretResolver, devices: DeviceTable = DEVICES): Promise<ResolvedHubSecrets> {
  const out: ResolvedHubSecrets = { sharedKeys: new Map(), problems: [] };
  const er = hub.azure.expressRoute;
  if (er?.authorizationKey) {
    const where = 'azure.expressRoute.authorizationKey';
    const value = await resolveInto(resolver, er.authorizationKey, where, out.problems);
    if (value !== undefined) {
      const problems = checkAuthorizationKey(value, where);
      out.problems.push(...problems);
      if (problems.length === 0) out.authorizationKey = value;
    }
  }
  for (const [i, site] of hub.sites.entries()) {
    if (!site.sharedKey) continue;
    const where = `sites[${i}].sharedKey`;
    const value = await resolveInto(resolver, site.sharedKey, where, out.problems);
    if (value === undefined) continue;
    const problems = checkSharedKey(value, where, devices[site.device]);
    out.problems.push(...problems);
    if (problems.length === 0) out.sharedKeys.set(site.name, value);
  }
  return out;
}

async function resolveInto(resolver: SecretResolver, ref: SecretRef, where: string, problems: Problem[]): Promise<string | undefined> {
  try {
    const r = await resolver.resolve(ref, where);
    problems.push(...r.warnings);
    return r.value;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    problems.push({ path: where, severity: 'error', message: stripWhere(e.message, where), ...(e.hint ? { fix: e.hint } : {}) });
    return undefined;
  }
}

function stripWhere(message: string, where: string): string {
  return message.startsWith(`${where}: `) ? message.slice(where.length + 2) : message;
}
