/**
 * Key Vault secrets on their own listener (the SDK parses secret ids as `<vault>/secrets/<name>/<version>`,
 * so a vault URL with a path prefix cannot work). One vault answers for every vault name.
 */
import type { EmulatorContext } from './context';
import { ArmError, asObject, type HandlerResult, type ParsedRequest } from './http';
import { randomHex } from './ids';
import type { PersistedState, SecretVersion } from './state';
import type { TokenCheck } from './tokens';

export const VAULT_CHALLENGE =
  'Bearer authorization="https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000", resource="https://vault.azure.net"';

function kvError(status: number, code: string, message: string): ArmError {
  return new ArmError(status, code, message);
}

type SecretEntry = PersistedState['secrets'][string];

function bundle(vault: string, entry: SecretEntry, v: SecretVersion, withValue = true): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: `${vault}/secrets/${entry.name}/${v.version}`,
    attributes: { enabled: v.enabled, created: v.created, updated: v.updated, recoveryLevel: 'Recoverable+Purgeable', recoverableDays: 90 },
  };
  if (withValue) out.value = v.value;
  if (v.contentType) out.contentType = v.contentType;
  if (v.tags) out.tags = v.tags;
  return out;
}

function deletedBundle(vault: string, entry: SecretEntry): Record<string, unknown> {
  const latest = entry.versions[entry.versions.length - 1];
  return {
    ...bundle(vault, entry, latest, false),
    recoveryId: `${vault}/deletedsecrets/${entry.name}`,
    deletedDate: entry.deletedAt,
    scheduledPurgeDate: (entry.deletedAt ?? 0) + 90 * 86400,
  };
}

function notFound(name: string): ArmError {
  return kvError(404, 'SecretNotFound', `A secret with (name/id) ${name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command.`);
}

/**
 * 401 with the challenge the SDK expects (it then asks its credential for the vault scope and retries
 * once): no token, an unknown one, one for another audience (AKV10022), an expired one.
 */
export function vaultAuthFailure(check: Exclude<TokenCheck, { ok: true }>): HandlerResult {
  const message = (() => {
    switch (check.reason) {
      case 'audience':
        return `AKV10022: Invalid audience. Expected https://vault.azure.net, found: ${check.found}/.`;
      case 'expired':
        return `The access token expired at ${new Date(check.expiredAt).toISOString()}.`;
      default:
        return 'AKV10000: Request is missing a Bearer or PoP token.';
    }
  })();
  return { status: 401, headers: { 'WWW-Authenticate': VAULT_CHALLENGE }, body: { error: { code: 'Unauthorized', message } } };
}

/** Handles one authenticated Key Vault request; `vault` is the vault base URL. */
export function handleVault(ctx: EmulatorContext, vault: string, req: ParsedRequest): HandlerResult {
  const segs = req.path.split('/').filter(Boolean);
  const secrets = ctx.store.state.secrets;
  const now = Math.floor(ctx.now() / 1000);
  const top = (segs[0] ?? '').toLowerCase();

  if (top === 'secrets' && segs.length === 1 && req.method === 'GET') {
    const value = Object.values(secrets)
      .filter((e) => e.deletedAt === undefined)
      .map((e) => bundle(vault, e, e.versions[e.versions.length - 1], false))
      .map((b) => ({ ...b, id: String(b.id).replace(/\/[^/]+$/, '') }));
    return { status: 200, body: { value, nextLink: null } };
  }
  if (top === 'deletedsecrets' && segs.length === 2) {
    const entry = secrets[segs[1].toLowerCase()];
    if (!entry || entry.deletedAt === undefined) throw kvError(404, 'SecretNotFound', `Deleted Secret not found: ${segs[1]}`);
    if (req.method === 'GET') return { status: 200, body: deletedBundle(vault, entry) };
    if (req.method === 'DELETE') {
      delete secrets[segs[1].toLowerCase()];
      ctx.store.markDirty();
      return { status: 204 };
    }
  }
  if (top !== 'secrets' || segs.length < 2 || segs.length > 3) throw kvError(404, 'NotFound', `No Key Vault operation at ${req.path}.`);

  const name = segs[1];
  if (!/^[0-9a-zA-Z-]{1,127}$/.test(name)) {
    throw kvError(400, 'BadParameter', `The secret name '${name}' is invalid: use 1-127 letters, digits and dashes.`);
  }
  const entry = secrets[name.toLowerCase()];
  if (segs.length === 2 && req.method === 'PUT') {
    const body = asObject(req.body, 'the body');
    if (typeof body.value !== 'string') throw kvError(400, 'BadParameter', 'Property value is required.');
    if (entry?.deletedAt !== undefined) {
      throw kvError(409, 'Conflict', `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`);
    }
    const version: SecretVersion = {
      version: randomHex(16),
      value: body.value,
      contentType: typeof body.contentType === 'string' ? body.contentType : undefined,
      tags: body.tags && typeof body.tags === 'object' ? body.tags : undefined,
      enabled: body.attributes?.enabled !== false,
      created: now,
      updated: now,
    };
    const target = entry ?? (secrets[name.toLowerCase()] = { name, versions: [] });
    target.versions.push(version);
    ctx.store.markDirty();
    return { status: 200, body: bundle(vault, target, version) };
  }
  if (!entry || entry.deletedAt !== undefined) throw notFound(name);
  if (segs.length === 2 && req.method === 'GET') {
    return { status: 200, body: bundle(vault, entry, entry.versions[entry.versions.length - 1]) };
  }
  if (segs.length === 2 && req.method === 'DELETE') {
    entry.deletedAt = now;
    ctx.store.markDirty();
    return { status: 200, body: deletedBundle(vault, entry) };
  }
  if (segs.length === 3 && req.method === 'GET') {
    if (segs[2].toLowerCase() === 'versions') {
      const value = entry.versions.map((v) => bundle(vault, entry, v, false));
      return { status: 200, body: { value, nextLink: null } };
    }
    const v = segs[2] === '' ? entry.versions[entry.versions.length - 1] : entry.versions.find((x) => x.version === segs[2]);
    if (!v) throw notFound(`${name}/${segs[2]}`);
    if (!v.enabled) throw kvError(403, 'Forbidden', `Operation get is not allowed on a disabled secret.`);
    return { status: 200, body: bundle(vault, entry, v) };
  }
  throw kvError(405, 'MethodNotAllowed', `The HTTP method '${req.method}' is not supported at ${req.path}.`);
}
