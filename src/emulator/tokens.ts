/**
 * Bearer tokens per audience, as Azure checks them: ARM takes only tokens for
 * https://management.azure.com, Key Vault only tokens for https://vault.azure.net. The emulator issues
 * JWT-shaped tokens (header.payload.signature with `aud`, `iat`, `nbf`, `exp`) so a client can read their
 * expiry; it accepts exactly the tokens it issued or was given, and refuses them after `exp`.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { preparePrivateDir, readStateFile, writeStateFile } from './stateDir';

export type Audience = 'arm' | 'vault';

export const AUDIENCE_URI: Record<Audience, string> = {
  arm: 'https://management.azure.com',
  vault: 'https://vault.azure.net',
};

/** Lifetime of the two tokens made at start: long, because a state dir keeps them across restarts. */
export const MAIN_TOKEN_LIFETIME_SECONDS = 30 * 86400;

const TOKEN_FILES: Record<Audience, string> = { arm: 'token', vault: 'vault-token' };
const TENANT = '00000000-0000-0000-0000-000000000000';

export type TokenCheck =
  | { ok: true }
  | { ok: false; reason: 'missing' | 'unknown' }
  | { ok: false; reason: 'audience'; found: string }
  | { ok: false; reason: 'expired'; expiredAt: number };

interface TokenInfo {
  audience: Audience;
  /** Unix ms; absent for a token given as an opaque string. */
  expiresAt?: number;
}

function b64url(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

/** A JWT-shaped token; its signature is random (only the emulator's registry makes it valid). */
export function makeJwt(audience: Audience, expiresAt: number, now: number): string {
  const header = { typ: 'JWT', alg: 'HS256' };
  const payload = {
    aud: AUDIENCE_URI[audience],
    iss: `https://sts.windows.net/${TENANT}/`,
    iat: Math.floor(now / 1000),
    nbf: Math.floor(now / 1000),
    exp: Math.floor(expiresAt / 1000),
    appid: 'tunnelsmith-emulator',
    tid: TENANT,
  };
  return `${b64url(header)}.${b64url(payload)}.${randomBytes(32).toString('base64url')}`;
}

/** The `exp` (Unix ms) of a JWT-shaped token, or undefined for an opaque one. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export class TokenRegistry {
  private readonly tokens = new Map<string, TokenInfo>();

  constructor(private readonly now: () => number) {}

  add(token: string, audience: Audience, expiresAt?: number): void {
    const other = this.tokens.get(token);
    if (other && other.audience !== audience) {
      throw Object.assign(new Error('The ARM token and the vault token must differ: a token serves one audience.'), { code: 'EmulatorTokenInvalid' });
    }
    this.tokens.set(token, { audience, expiresAt });
  }

  /** A new token for `audience`, valid for `seconds`. */
  issue(audience: Audience, seconds: number): { token: string; expiresOn: string } {
    const now = this.now();
    const expiresAt = now + seconds * 1000;
    const token = makeJwt(audience, expiresAt, now);
    this.add(token, audience, expiresAt);
    return { token, expiresOn: new Date(expiresAt).toISOString() };
  }

  /** Makes a known token expire now; false if the emulator does not know it. */
  expire(token: string): boolean {
    const info = this.tokens.get(token);
    if (!info) return false;
    info.expiresAt = Math.min(info.expiresAt ?? Infinity, this.now() - 1000);
    return true;
  }

  check(token: string | undefined, audience: Audience): TokenCheck {
    if (token === undefined) return { ok: false, reason: 'missing' };
    const info = this.tokens.get(token);
    if (!info) return { ok: false, reason: 'unknown' };
    if (info.audience !== audience) return { ok: false, reason: 'audience', found: AUDIENCE_URI[info.audience] };
    if (info.expiresAt !== undefined && this.now() >= info.expiresAt) return { ok: false, reason: 'expired', expiredAt: info.expiresAt };
    return { ok: true };
  }
}

/**
 * The token of one audience: the given one (opaque, never expires), else the one kept in `stateDir` while
 * it is valid, else a new JWT (kept there, mode 0600).
 */
export function loadOrCreateToken(registry: TokenRegistry, audience: Audience, stateDir: string | undefined, given: string | undefined, now: number): string {
  if (given) {
    registry.add(given, audience);
    return given;
  }
  const file = stateDir ? join(stateDir, TOKEN_FILES[audience]) : undefined;
  if (stateDir) preparePrivateDir(stateDir);
  const keptText = file ? readStateFile(file) : undefined;
  if (keptText !== undefined) {
    const kept = keptText.trim();
    const exp = kept ? jwtExpiry(kept) : undefined;
    // A token of an older emulator (opaque) or one that expired is replaced.
    if (kept && exp !== undefined && exp > now) {
      registry.add(kept, audience, exp);
      return kept;
    }
  }
  const expiresAt = now + MAIN_TOKEN_LIFETIME_SECONDS * 1000;
  const token = makeJwt(audience, expiresAt, now);
  registry.add(token, audience, expiresAt);
  if (file) writeStateFile(file, `${token}\n`, 0o600);
  return token;
}
