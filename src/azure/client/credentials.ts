/**
 * Credentials (hub-file.md, "Endpoint and credentials"; azure-facts.md section 7). A token serves one
 * audience: ARM takes `TUNNELSMITH_ARM_TOKEN` or `TUNNELSMITH_ARM_TOKEN_FILE`, Key Vault takes
 * `TUNNELSMITH_VAULT_TOKEN` or `TUNNELSMITH_VAULT_TOKEN_FILE`. Without static tokens,
 * `DefaultAzureCredential` (imported lazily) serves both. A run with a static ARM token never falls
 * through to the identity chain for Key Vault (nor to its managed-identity probe): a `{ keyVault }`
 * reference then needs a vault token. A token file is read again when a request gets 401, and when a
 * long wait starts; the expiry a credential reports is the token's own (`exp` of a JWT).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { InputError, UsageError } from '../../errors';

/** The credential type the layers above take, named here so that only this adapter imports the SDK's packages. */
export type { TokenCredential };

export type Audience = 'arm' | 'vault';

/** The environment variables of each audience: the token itself, or a file holding it. */
export const TOKEN_VARIABLES: Readonly<Record<Audience, { token: string; file: string }>> = {
  arm: { token: 'TUNNELSMITH_ARM_TOKEN', file: 'TUNNELSMITH_ARM_TOKEN_FILE' },
  vault: { token: 'TUNNELSMITH_VAULT_TOKEN', file: 'TUNNELSMITH_VAULT_TOKEN_FILE' },
};

/** An opaque token's lifetime is unknown: assumed to be an hour, the shortest Azure issues is 60 minutes. */
const OPAQUE_TOKEN_ASSUMED_MS = 60 * 60 * 1000;
/** A token file is asked again this often by the SDK's token cache (its own refresh comes 2 minutes before expiry). */
const FILE_RECHECK_MS = 60 * 1000;
const MAX_TOKEN_FILE_BYTES = 64 * 1024;

/** `exp` of a JWT-shaped token, in ms; undefined for an opaque token. Pure. */
export function jwtExpiresAt(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' && Number.isFinite(payload.exp) ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** A static token (from the environment or a file), usable wherever the SDK takes a credential. */
export interface StaticToken extends TokenCredential {
  readonly audience: Audience;
  /** The variable it came from (`TUNNELSMITH_ARM_TOKEN_FILE`, ...), for messages. */
  readonly variable: string;
  /** Read from a file (which may be refreshed while tunnelsmith runs). */
  readonly fromFile: boolean;
  /** The token as last read. */
  current(): string;
  /** Its `exp` (ms) when it is a JWT. */
  expiresAt(): number | undefined;
  /** Reads a token file again; resolves whether the token changed (always false for a token from the environment). */
  reload(): Promise<boolean>;
}

const STATIC = Symbol('tunnelsmith.staticToken');

export function isStaticToken(c: unknown): c is StaticToken {
  return typeof c === 'object' && c !== null && (c as Record<symbol, unknown>)[STATIC] === true;
}

function accessToken(token: string, recheck: boolean): AccessToken {
  const exp = jwtExpiresAt(token);
  return {
    token,
    expiresOnTimestamp: exp ?? Date.now() + OPAQUE_TOKEN_ASSUMED_MS,
    tokenType: 'Bearer',
    ...(recheck ? { refreshAfterTimestamp: Date.now() + FILE_RECHECK_MS } : {}),
  };
}

/** A credential that always returns `token`; it reports the token's own expiry (a JWT's `exp`). */
export function staticTokenCredential(token: string, o: { audience?: Audience; variable?: string } = {}): StaticToken {
  const audience = o.audience ?? 'arm';
  return {
    [STATIC]: true,
    audience,
    variable: o.variable ?? TOKEN_VARIABLES[audience].token,
    fromFile: false,
    current: () => token,
    expiresAt: () => jwtExpiresAt(token),
    reload: async () => false,
    async getToken(): Promise<AccessToken> {
      return accessToken(token, false);
    },
  } as StaticToken;
}

/** A token kept in a file that someone else refreshes (CI); read now, and again on 401 and before long waits. */
export async function fileTokenCredential(file: string, audience: Audience, variable = TOKEN_VARIABLES[audience].file): Promise<StaticToken> {
  let token = await readTokenFile(file, variable);
  return {
    [STATIC]: true,
    audience,
    variable,
    fromFile: true,
    current: () => token,
    expiresAt: () => jwtExpiresAt(token),
    async reload() {
      const next = await readTokenFile(file, variable).catch(() => token);
      const changed = next !== token;
      token = next;
      return changed;
    },
    async getToken(): Promise<AccessToken> {
      await this.reload();
      return accessToken(token, true);
    },
  } as StaticToken;
}

async function readTokenFile(file: string, variable: string): Promise<string> {
  let text: string;
  try {
    const handle = await fs.open(file, 'r');
    try {
      const buf = Buffer.alloc(MAX_TOKEN_FILE_BYTES + 1);
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
      if (bytesRead > MAX_TOKEN_FILE_BYTES) throw new UsageError('TokenFileInvalid', `${variable}: ${file} is larger than 64 KiB; it should hold one token`, `point ${variable} at the file holding the bearer token`);
      text = buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError('TokenFileUnreadable', `${variable}: cannot read the token file ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, `check the path in ${variable}`);
  }
  const token = text.trim();
  if (!token) throw new UsageError('TokenFileInvalid', `${variable}: the token file ${file} is empty`, 'write the bearer token into it (az account get-access-token --query accessToken -o tsv)');
  if (/\s/.test(token)) throw new UsageError('TokenFileInvalid', `${variable}: the token file ${file} holds more than one word; it should hold one bearer token`, 'write only the token into it');
  return token;
}

export interface StaticTokens {
  arm?: StaticToken;
  vault?: StaticToken;
}

/**
 * The static tokens the environment sets, per audience. Both forms of one audience is a usage error
 * (which one would win is a guess). File paths are relative to `cwd`.
 */
export async function staticTokensFromEnvironment(env: NodeJS.ProcessEnv, cwd: string): Promise<StaticTokens> {
  const out: StaticTokens = {};
  for (const audience of ['arm', 'vault'] as const) {
    const v = TOKEN_VARIABLES[audience];
    const token = env[v.token];
    const file = env[v.file];
    if (token && file) {
      throw new UsageError('TokenSetTwice', `${v.token} and ${v.file} are both set; one ${audience === 'arm' ? 'ARM' : 'Key Vault'} token source is allowed`, `unset one of them (${v.file} for a token your CI refreshes, ${v.token} for a short run)`);
    }
    if (token) out[audience] = staticTokenCredential(token, { audience, variable: v.token });
    else if (file) out[audience] = await fileTokenCredential(path.resolve(cwd, file), audience, v.file);
  }
  return out;
}

/** Key Vault cannot be reached with this run's credentials; says why and how to fix it. */
export interface VaultTokenMissing {
  readonly missing: true;
  readonly message: string;
  readonly fix: string;
}

export type VaultCredential = TokenCredential | VaultTokenMissing;

export function isVaultTokenMissing(c: VaultCredential | undefined): c is VaultTokenMissing {
  return typeof c === 'object' && c !== null && (c as VaultTokenMissing).missing === true;
}

/** What a run talks to Azure with: one credential per audience. */
export interface Credentials {
  arm: TokenCredential;
  vault: VaultCredential;
  /** The static tokens among them (for the expiry check and the token-file reloads). */
  static: StaticTokens;
}

/**
 * The credentials of a run: static tokens where set, else `DefaultAzureCredential` (one instance for
 * both audiences). A static ARM token without a vault token leaves Key Vault unreachable (never the
 * identity chain).
 */
export async function credentialsFromEnvironment(env: NodeJS.ProcessEnv, o: { authorityHost: string; cwd: string }): Promise<Credentials> {
  const tokens = await staticTokensFromEnvironment(env, o.cwd);
  let chain: TokenCredential | undefined;
  const identityChain = async () => {
    const { DefaultAzureCredential } = await import('@azure/identity');
    return (chain ??= new DefaultAzureCredential({ authorityHost: o.authorityHost }));
  };
  const arm = tokens.arm ?? (await identityChain());
  const vault: VaultCredential = tokens.vault ?? (tokens.arm ? vaultTokenMissing() : await identityChain());
  return { arm, vault, static: tokens };
}

function vaultTokenMissing(): VaultTokenMissing {
  const v = TOKEN_VARIABLES;
  return {
    missing: true,
    message: `${v.arm.token} / ${v.arm.file} is an ARM token, which Key Vault refuses (a token serves one audience), and no ${v.vault.token} is set`,
    fix: `set ${v.vault.token} (or ${v.vault.file}) to a token for Key Vault (az account get-access-token --resource https://vault.azure.net), or unset the ARM token to use the identity chain (az login, a service principal, ...)`,
  };
}

/** The vault credential, or an InputError (exit 3) naming the reference and the variable to set. */
export function requireVaultCredential(c: VaultCredential | undefined, where: string): TokenCredential {
  if (c === undefined) {
    throw new InputError('KeyVaultNotConfigured', `${where}: Key Vault cannot be read: no credential for it`, [], `set ${TOKEN_VARIABLES.vault.token}, or sign in (az login)`);
  }
  if (isVaultTokenMissing(c)) throw new InputError('VaultTokenMissing', `${where}: the { keyVault } reference cannot be read: ${c.message}`, [], c.fix);
  return c;
}

/** How long before the end of a run a static token must still be valid. */
export const TOKEN_MARGIN_MS = 10 * 60 * 1000;

/**
 * A static ARM token from the environment (never refreshed) that is a JWT expiring before `estimatedMs`
 * from now (plus 10 minutes) is refused before anything is written. A token file is not: it is read
 * again as the run goes.
 */
export function checkTokenOutlastsRun(c: TokenCredential | undefined, estimatedMs: number, what: string, now = Date.now()): void {
  if (!isStaticToken(c) || c.fromFile) return;
  const exp = c.expiresAt();
  if (exp === undefined) return;
  const needed = now + estimatedMs + TOKEN_MARGIN_MS;
  if (exp >= needed) return;
  const left = exp <= now ? 'has expired' : `expires in ${minutes(exp - now)} (at ${new Date(exp).toISOString()})`;
  throw new UsageError(
    'TokenExpiresTooSoon',
    `${c.variable} ${left}, before ${what} can end: estimated ${minutes(estimatedMs)} at Azure's documented durations, plus a ${minutes(TOKEN_MARGIN_MS)} margin; nothing was written`,
    `put a token your CI refreshes into a file and set ${TOKEN_VARIABLES[c.audience].file} instead (it is read again on 401 and before long waits), or use the identity chain (unset ${c.variable}; az login or a service principal), which refreshes itself`,
  );
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60000);
  return m >= 120 ? `${(m / 60).toFixed(1)} h` : `${m} min`;
}

/** Re-reads the token files among `credentials` (before a long wait). */
export async function reloadTokenFiles(...credentials: Array<TokenCredential | VaultCredential | undefined>): Promise<void> {
  await Promise.all(credentials.filter(isStaticToken).map((c) => c.reload()));
}

/** Credentials a caller passes in (the demo, tests): they replace the environment's. */
export interface InjectedCredentials {
  credential?: TokenCredential;
  vaultCredential?: VaultCredential;
}

/**
 * The run's two credentials: injected ones when given (an injected static ARM token without a vault
 * credential leaves Key Vault unreachable, as from the environment), else from the environment.
 */
export async function credentialsFor(env: NodeJS.ProcessEnv, o: { authorityHost: string; cwd: string }, inject: InjectedCredentials = {}): Promise<Credentials> {
  if (!inject.credential) return credentialsFromEnvironment(env, o);
  const arm = inject.credential;
  const vault = inject.vaultCredential ?? (isStaticToken(arm) ? vaultTokenMissing() : arm);
  return { arm, vault, static: { ...(isStaticToken(arm) ? { arm } : {}), ...(isStaticToken(vault) ? { vault } : {}) } };
}
