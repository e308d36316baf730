/**
 * The facts file: `AzureFacts` as versioned JSON. Shared keys are written only on request
 * (`--include-secrets`), and then the file is mode 0600. Reading checks the version and every value
 * against the same character classes the hub file uses: a facts file is input, and its values reach
 * device templates.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import '../hub/zodWithoutCodegen';
import * as z from 'zod';
import { InputError, type Problem } from '../errors';
import { FACTS_VERSION, type AzureFacts } from '../facts/types';
import { formatPath, quoteKey } from '../hub/paths';
import { IPV4_ADDRESS, IPV4_CIDR, LOCATION, RESOURCE_GROUP_NAME, RESOURCE_NAME, SITE_NAME } from '../hub/patterns';
import { POLICY_CATALOG, type PolicyEnumField } from '../policy/catalog';
import { ensureDir, writeFileAtomic } from './atomicWrite';

const ip = z.string().regex(IPV4_ADDRESS, { error: 'must be an IPv4 address' });
const name = z.string().regex(RESOURCE_NAME, { error: 'must be an Azure resource name' });
const policyValue = (f: PolicyEnumField) => {
  const allowed = [...POLICY_CATALOG[f].documented, ...POLICY_CATALOG[f].armOnly];
  return z.string().refine((v) => allowed.includes(v), { error: `must be one of ${allowed.join(', ')}` });
};

const PolicySchema = z.union([
  z.literal('azure-default'),
  z.strictObject({
    ikeEncryption: policyValue('ikeEncryption'),
    ikeIntegrity: policyValue('ikeIntegrity'),
    dhGroup: policyValue('dhGroup'),
    ipsecEncryption: policyValue('ipsecEncryption'),
    ipsecIntegrity: policyValue('ipsecIntegrity'),
    pfsGroup: policyValue('pfsGroup'),
    saLifeTimeSeconds: z.number().int().min(300),
    saDataSizeKilobytes: z.number().int().min(1024),
  }),
]);

/** Printable ASCII without space: what Azure can hold as a key; device limits are checked at render. */
const SHARED_KEY = /^[\x21-\x7e]{1,128}$/;

const FactsSchema = z.strictObject({
  version: z.literal(FACTS_VERSION),
  hub: z.string().refine((h) => {
    const [rg, vnet, ...rest] = h.split('/');
    return rest.length === 0 && RESOURCE_GROUP_NAME.test(rg ?? '') && RESOURCE_NAME.test(vnet ?? '');
  }, { error: 'must be <resourceGroup>/<vnet name>' }),
  location: z.string().regex(LOCATION, { error: 'must be an Azure region name like centralus' }),
  vnetAddressSpace: z.array(z.string().regex(IPV4_CIDR, { error: 'must be an IPv4 prefix' })).min(1),
  peeredPrefixes: z.optional(z.array(z.string().regex(IPV4_CIDR, { error: 'must be an IPv4 prefix' }))),
  vpnGateway: z.strictObject({
    name,
    asn: z.number().int().min(1).max(4294967295),
    activeActive: z.boolean(),
    sku: z.string().regex(/^[A-Za-z0-9]{1,40}$/, { error: 'must be a SKU name' }),
    instances: z
      .array(
        z.strictObject({
          index: z.number().int().min(0).max(1),
          publicIp: ip,
          defaultBgpIp: ip,
          apipaBgpIps: z.array(ip),
        }),
      )
      .min(1)
      .max(2),
  }),
  expressRoute: z.optional(z.strictObject({ gatewayName: name, connected: z.boolean() })),
  sites: z.array(
    z.strictObject({
      name: z.string().regex(SITE_NAME, { error: 'must be a site name' }),
      connectionName: name,
      ipsecPolicy: PolicySchema,
      dpdTimeoutSeconds: z.number().int().min(9).max(3600),
      bgpEnabled: z.boolean(),
      azureBgpIps: z.array(ip),
      connectionStatus: z.optional(z.string().regex(/^[A-Za-z]{1,40}$/)),
      sharedKey: z.optional(z.string().regex(SHARED_KEY, { error: 'must be 1..128 printable ASCII characters' })),
    }),
  ),
});

/** Parses and checks a facts file's text. `source` names the file in problems. Pure. */
export function parseFacts(text: string, source: string): AzureFacts {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // Node's JSON message quotes the text around the error, which may hold a key: never pass it on.
    throw new InputError('FactsInvalid', `${source} is not valid JSON`, [], 'write it again with tunnelsmith facts');
  }
  const version = typeof raw === 'object' && raw !== null ? (raw as { version?: unknown }).version : undefined;
  if (version !== FACTS_VERSION) {
    throw new InputError(
      'FactsVersion',
      `${source} has facts version ${JSON.stringify(version ?? null)}; this tunnelsmith reads version ${FACTS_VERSION}`,
      [{ path: 'facts.version', message: `expected ${FACTS_VERSION}`, severity: 'error' }],
      'write the facts again with this version: tunnelsmith facts --out FILE',
    );
  }
  const parsed = FactsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems: Problem[] = parsed.error.issues.flatMap((i): Problem[] => {
      const at = ['facts', ...i.path.filter((p): p is string | number => typeof p !== 'symbol')];
      // Unknown keys are named (quoted, clipped: a key name may hold anything); values never are: a key may sit in one.
      if (i.code === 'unrecognized_keys') {
        return i.keys.map((k) => ({ path: formatPath([...at, k]), message: `unknown key ${quoteKey(k)}`, fix: 'remove it', severity: 'error' }));
      }
      return [{ path: formatPath(at), message: i.message, severity: 'error' }];
    });
    throw new InputError('FactsInvalid', `${source} is not a valid facts file`, problems, 'write it again with tunnelsmith facts');
  }
  return parsed.data as AzureFacts;
}

/** The facts as file text; shared keys only with `includeSecrets`. Pure. */
export function serializeFacts(facts: AzureFacts, includeSecrets: boolean): string {
  const out: AzureFacts = {
    ...facts,
    sites: facts.sites.map((s) => {
      if (includeSecrets) return { ...s };
      const { sharedKey: _omit, ...rest } = s;
      return rest;
    }),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** Reads a facts file. Missing or invalid files are InputErrors naming the file and the fix. */
export async function readFactsFile(file: string): Promise<AzureFacts> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'ENOENT' ? 'FactsNotFound' : 'FactsUnreadable',
      code === 'ENOENT' ? `facts file ${file} does not exist` : `cannot read facts file ${file}: ${(e as Error).message}`,
      [],
      'write it with tunnelsmith facts --out FILE, or render without --facts to read Azure live',
    );
  }
  return parseFacts(text, file);
}

/**
 * Writes a facts file atomically. With keys: mode 0600 (and durable); without: 0644.
 * Returns whether keys were written.
 */
export async function writeFactsFile(file: string, facts: AzureFacts, opts: { includeSecrets: boolean }): Promise<{ file: string; withKeys: boolean }> {
  const withKeys = opts.includeSecrets && facts.sites.some((s) => s.sharedKey !== undefined);
  await ensureParent(file);
  await writeFileAtomic(file, serializeFacts(facts, opts.includeSecrets), { mode: withKeys ? 0o600 : 0o644, durable: withKeys });
  return { file, withKeys };
}

async function ensureParent(file: string): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  try {
    await fs.access(dir);
  } catch {
    await ensureDir(dir, 0o755);
  }
}
