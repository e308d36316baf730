/**
 * Validates a raw hub file (parsed YAML/JSON) and returns the normalized Hub, or every problem found.
 * Pure: the device table is a parameter (the caller passes the device registry).
 */
import type { Problem } from '../errors';
import { problemsFromIssues } from './issues';
import { normalizeHub } from './normalize';
import { parsePath, valueAt } from './paths';
import { HUB_RULES, type DeviceTable, type HubParts } from './rules';
import { salvageSection } from './salvage';
import { ExpressRouteSchema, HubFileSchema, SiteSchema, VnetSchema, VpnGatewaySchema } from './schema';
import type { Hub } from './types';

export interface ValidateOptions {
  /** The devices whose options, key limits and proposal checks apply (the device registry, or a test's table). */
  devices: DeviceTable;
}

export interface ValidateResult {
  /** Present exactly when no problem is an error. */
  hub?: Hub;
  /** Errors and warnings, grouped by section (azure first, then each site in order). */
  problems: Problem[];
}

/**
 * Checks `raw` against the hub file's schema and every rule, reporting all problems together (a part
 * that fails the schema is left out of the rules, so the rest is still checked). Never throws for any
 * input value.
 */
export function validateHub(raw: unknown, opts: ValidateOptions): ValidateResult {
  const { devices } = opts;
  const parsed = HubFileSchema.safeParse(raw);
  const problems: Problem[] = parsed.success ? [] : problemsFromIssues(parsed.error.issues, raw, HubFileSchema);
  const parts = parsed.success ? partsOfValid(parsed.data) : partsOfInvalid(raw);
  for (const rule of HUB_RULES) problems.push(...rule(parts, { devices }));
  const ordered = orderProblems(problems);
  if (!parsed.success || ordered.some((p) => p.severity === 'error')) return { problems: ordered };
  return { hub: normalizeHub(parsed.data), problems: ordered };
}

function partsOfValid(data: import('./schema').RawHubFile): HubParts {
  return {
    vnet: data.azure.vnet,
    vpnGateway: data.azure.vpnGateway,
    expressRoute: data.azure.expressRoute,
    hasExpressRoute: data.azure.expressRoute !== undefined,
    sites: data.sites.map((site, index) => ({ index, site })),
    siteCount: data.sites.length,
  };
}

/** The sections that pass the schema on their own; sites and the VNet with their failing fields dropped (salvage.ts). */
function partsOfInvalid(raw: unknown): HubParts {
  const rawSites = valueAt(raw, ['sites']);
  const sites: HubParts['sites'] = [];
  if (Array.isArray(rawSites)) {
    rawSites.forEach((s, index) => {
      const site = salvageSection(SiteSchema, s);
      if (site) sites.push({ index, site });
    });
  }
  const rawEr = valueAt(raw, ['azure', 'expressRoute']);
  return {
    vnet: salvageSection(VnetSchema, valueAt(raw, ['azure', 'vnet'])),
    // Gateway fields depend on each other (activeActive sets how many addresses and names): all or nothing.
    vpnGateway: parsedOrUndefined(VpnGatewaySchema, valueAt(raw, ['azure', 'vpnGateway'])),
    expressRoute: parsedOrUndefined(ExpressRouteSchema, rawEr),
    hasExpressRoute: rawEr !== undefined,
    sites,
    siteCount: Array.isArray(rawSites) ? rawSites.length : -1,
  };
}

function parsedOrUndefined<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, value: unknown): T | undefined {
  const r = schema.safeParse(value);
  return r.success ? r.data : undefined;
}

/** Groups problems by section: the file itself, `azure`, then each site in file order (stable within). */
function orderProblems(problems: Problem[]): Problem[] {
  const rank = (p: Problem): [number, number] => {
    const [first, second] = parsePath(p.path);
    if (first === 'azure') return [1, 0];
    if (first === 'sites') return [2, typeof second === 'number' ? second : -1];
    return [0, 0];
  };
  return problems
    .map((p, i) => ({ p, i, r: rank(p) }))
    .sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1] || a.i - b.i)
    .map((x) => x.p);
}
