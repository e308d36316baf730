/**
 * Turns zod issues into Problems with the exact path, a plain message and a fix. User values appear in
 * messages only through `displayValue` (short, harmless strings) and never for secret references.
 * Pure.
 */
import './zodWithoutCodegen';
import * as z from 'zod';
import type { Problem } from '../errors';
import { POLICY_CATALOG, type PolicyEnumField } from '../policy/catalog';
import { REFUSED_VPN_GATEWAY_SKUS } from './azureValues';
import { IMPORT_DEVICE_PLACEHOLDER } from './defaults';
import { PATTERN_FIXES } from './patterns';
import { closestName } from './suggest';
import { describeType, displayValue, formatPath, quoteKey, valueAt, type PathSegment } from './paths';

/** The parts of a zod 4 issue this module reads. */
interface IssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
  values?: unknown[];
  errors?: IssueLike[][];
  expected?: string;
  pattern?: string;
  origin?: string;
  minimum?: unknown;
  maximum?: unknown;
}

type AnySchema = z.ZodType;

const SECRET_FIELDS = new Set(['sharedKey', 'authorizationKey']);
const SECRET_KINDS = ['env', 'file', 'keyVault'];

/** Problems for every issue of a failed parse of `raw` against `schema`. */
export function problemsFromIssues(issues: readonly unknown[], raw: unknown, schema: AnySchema): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) translate(issue as IssueLike, [], schema, raw, out);
  return out;
}

function translate(issue: IssueLike, base: PathSegment[], baseSchema: AnySchema | undefined, raw: unknown, out: Problem[]): void {
  const rel = issue.path.filter((s): s is PathSegment => typeof s === 'string' || typeof s === 'number');
  const path = [...base, ...rel];
  const schema = baseSchema ? schemaAt(baseSchema, rel) : undefined;
  const value = valueAt(raw, path);
  const at = formatPath(path);
  const error = (message: string, fix: string): void => {
    out.push({ path: at, severity: 'error', message, fix });
  };

  switch (issue.code) {
    case 'invalid_type': {
      if (value === undefined) {
        if (path.length === 0) return error('the hub file is empty', 'describe the hub: azure: { resourceGroup, location, vnet, vpnGateway } and sites: [...]');
        const help = schema ? describeSchema(schema) : undefined;
        return error('is required', help ? `add it: ${help}` : 'add it');
      }
      if (path.length === 0) return error(`the hub file must be a map of keys (azure, sites), not ${describeType(value)}`, 'start from the example hub file in the README');
      if (issue.expected === 'int') return error('must be a whole number', 'write a whole number');
      return error(`must be ${expectedName(issue.expected)}, not ${describeType(value)}`, value === null ? 'give it a value or remove the key' : typeFix(issue.expected));
    }
    case 'unrecognized_keys': {
      const allowed = schema ? objectKeys(schema) : [];
      for (const key of issue.keys ?? []) {
        const near = closestName(key, allowed);
        out.push({
          path: formatPath([...path, key]),
          severity: 'error',
          message: `unknown key ${quoteKey(key)}`,
          fix: near ? `did you mean ${near}?` : allowed.length ? `remove it; allowed here: ${allowed.join(', ')}` : 'remove it',
        });
      }
      return;
    }
    case 'invalid_value':
      return valueProblem(path, value, issue.values ?? [], error);
    case 'invalid_union':
      return unionProblem(issue, path, schema, value, raw, out, error);
    case 'invalid_format':
      return error(issue.message, PATTERN_FIXES.get(issue.pattern ?? '') ?? 'correct the value');
    case 'too_small':
      if (issue.origin === 'array' && path[0] === 'sites' && path[path.length - 1] === 'addressSpace') {
        // What import leaves empty for a BGP site whose local network gateway lists no prefix.
        return error(issue.message, "list the on-premises prefixes the site owns (for a BGP site: the ones it announces; Azure learns them over BGP, so an imported file cannot know them)");
      }
      return error(issue.message, issue.origin === 'array' ? `list at least ${String(issue.minimum)}` : `use ${String(issue.minimum)} or more`);
    case 'too_big':
      return error(issue.message, issue.origin === 'array' ? `list at most ${String(issue.maximum)}` : `use ${String(issue.maximum)} or less`);
    case 'invalid_key':
      return error(`${quoteKey(String(path[path.length - 1]))} is not a valid option name`, 'option names are letters and digits, e.g. outsideInterface');
    default:
      return error(issue.message, 'correct the value');
  }
}

function valueProblem(path: PathSegment[], value: unknown, values: unknown[], error: (m: string, f: string) => void): void {
  const last = path[path.length - 1];
  const shown = displayValue(value);
  const list = values.map((v) => String(v)).join(', ');
  if (last === 'device' && value === IMPORT_DEVICE_PLACEHOLDER) {
    return error(
      `is still ${IMPORT_DEVICE_PLACEHOLDER}, the placeholder tunnelsmith import writes: tunnelsmith cannot tell from Azure which appliance terminates this site's tunnels`,
      `write the site's device: one of ${list} (or run tunnelsmith import again with --device ID)`,
    );
  }
  if (last === 'sku' && path[path.length - 2] === 'vpnGateway' && typeof value === 'string' && REFUSED_VPN_GATEWAY_SKUS[value]) {
    const r = REFUSED_VPN_GATEWAY_SKUS[value];
    return error(`${shown} is refused: ${r.reason}`, `use ${r.use} (or another of ${list})`);
  }
  if (path[path.length - 2] === 'ipsecPolicy' && typeof last === 'string' && last in POLICY_CATALOG && typeof value === 'string') {
    const catalog = POLICY_CATALOG[last as PolicyEnumField];
    if (catalog.armOnly.includes(value)) {
      return error(`${shown} is accepted by ARM but is not one of Azure's documented options for ${last}; tunnelsmith refuses it`, `use one of ${list}`);
    }
    if (value in catalog.refused) return error(`${shown} is refused: ${catalog.refused[value]}`, `use one of ${list}`);
  }
  if (values.length === 1) return error(`${shown ?? 'the value'} is not ${String(values[0])}`, `write ${String(values[0])}`);
  return error(`${shown ?? 'the value'} is not one of the accepted values`, `use one of ${list}`);
}

function unionProblem(
  issue: IssueLike, path: PathSegment[], schema: AnySchema | undefined, value: unknown, raw: unknown, out: Problem[],
  error: (m: string, f: string) => void,
): void {
  const last = path[path.length - 1];
  if (typeof last === 'string' && SECRET_FIELDS.has(last)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return error('must be a reference to the secret, never the secret itself', 'write { env: NAME }, { file: PATH } or { keyVault: { vaultName: NAME, secretName: NAME } }');
    }
    const kinds = Object.keys(value).filter((k) => SECRET_KINDS.includes(k));
    if (kinds.length !== 1) {
      return error(`a secret reference has exactly one of env, file or keyVault (found ${kinds.length})`, 'keep one of them');
    }
  }
  const union = schema ? unwrap(schema) : undefined;
  const options = union instanceof z.ZodUnion ? (union.options as AnySchema[]) : [];
  const branches = issue.errors ?? [];
  let best = -1;
  let bestScore = Infinity;
  branches.forEach((b, i) => {
    const s = branchScore(b);
    if (s < bestScore) {
      best = i;
      bestScore = s;
    }
  });
  if (best < 0 || bestScore >= 100) {
    if (last === 'ipsecPolicy') return error('must be azure-default or a policy object with all eight fields', 'remove it to use the secure default policy');
    if (path.includes('deviceOptions')) return error(`must be a text or a whole number, not ${describeType(value)}`, "see the deviceOptions table for the site's device");
    return error(`has the wrong shape (${describeType(value)})`, 'see the hub file reference in the README');
  }
  for (const sub of branches[best]) translate(sub, path, options[best], raw, out);
}

/** Lower is closer: a branch that fails on the value's type itself is a poor match. */
function branchScore(issues: IssueLike[]): number {
  let score = 0;
  for (const i of issues) {
    if (i.path.length === 0 && i.code === 'invalid_type') score += 100;
    else if (i.path.length === 0 && i.code === 'invalid_value') score += 50;
    else if (i.path.length === 0 && i.code === 'unrecognized_keys') score += 10 * (i.keys?.length ?? 1);
    else score += 1;
  }
  return score;
}

function typeFix(expected: string | undefined): string {
  switch (expected) {
    case 'number': return 'write the number without quotes';
    case 'boolean': return 'write true or false without quotes';
    case 'array': return 'write a list, e.g. [10.0.0.0/16] or one "- item" per line';
    case 'object': case 'record': return 'write a map of keys (key: value lines, indented under this one)';
    default: return 'write a text value';
  }
}

function expectedName(expected: string | undefined): string {
  switch (expected) {
    case 'string': return 'a text';
    case 'number': return 'a number';
    case 'boolean': return 'true or false';
    case 'array': return 'a list';
    case 'object': return 'a map of keys';
    case 'record': return 'a map of keys';
    default: return expected ? `a ${expected}` : 'another type';
  }
}

function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  while (s instanceof z.ZodOptional) s = s.unwrap() as AnySchema;
  return s;
}

/** The schema at a path, through objects, arrays, records and unions (the option that has the key). */
function schemaAt(schema: AnySchema, path: readonly PathSegment[]): AnySchema | undefined {
  let cur: AnySchema | undefined = schema;
  for (const seg of path) {
    if (!cur) return undefined;
    cur = childSchema(unwrap(cur), seg);
  }
  return cur;
}

function childSchema(s: AnySchema, seg: PathSegment): AnySchema | undefined {
  if (s instanceof z.ZodObject && typeof seg === 'string') return (s.shape as Record<string, AnySchema>)[seg];
  if (s instanceof z.ZodArray && typeof seg === 'number') return s.element as AnySchema;
  if (s instanceof z.ZodRecord && typeof seg === 'string') return s.valueType as AnySchema;
  if (s instanceof z.ZodUnion) {
    for (const option of s.options as AnySchema[]) {
      const child = childSchema(unwrap(option), seg);
      if (child) return child;
    }
  }
  return undefined;
}

/** The keys an object schema allows (for a union: the keys of its object options). */
function objectKeys(schema: AnySchema): string[] {
  const s = unwrap(schema);
  if (s instanceof z.ZodObject) return Object.keys(s.shape);
  if (s instanceof z.ZodUnion) return [...new Set((s.options as AnySchema[]).flatMap((o) => objectKeys(o)))];
  return [];
}

function describeSchema(schema: AnySchema): string | undefined {
  return schema.description ?? unwrap(schema).description;
}
