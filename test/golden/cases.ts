/** Golden cases, found by directory convention: every `fixtures/<case>/` with a hub file and a facts file. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { AzureFacts } from '../../src/facts/types';
import type { Hub } from '../../src/hub/types';
import { validateHub } from '../../src/hub/validate';
import { DEVICES } from '../../src/devices/registry';
import { planRender, type DeviceSelection, type SiteRenderPlan } from '../../src/render/plan';

export const FIXTURES = path.resolve(__dirname, '..', '..', 'fixtures');

export interface GoldenCase {
  name: string;
  dir: string;
  hub: Hub;
  hubDigest: string;
  facts: AzureFacts;
  /** One or more selections, rendered together. */
  devices: DeviceSelection[];
  redact: boolean;
  expectedDir: string;
}

interface CaseOptions {
  device?: DeviceSelection | DeviceSelection[];
  redact?: boolean;
}

export function discoverCases(): GoldenCase[] {
  return readdirSync(FIXTURES)
    .filter((name) => statSync(path.join(FIXTURES, name)).isDirectory())
    .filter((name) => existsSync(path.join(FIXTURES, name, 'facts.json')))
    .sort()
    .map(loadCase);
}

function loadCase(name: string): GoldenCase {
  const dir = path.join(FIXTURES, name);
  const hubFile = ['hub.yaml', 'hub.json'].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  if (!hubFile) throw new Error(`fixtures/${name} has facts.json but no hub.yaml or hub.json`);
  const hubText = readFileSync(hubFile, 'utf8');
  const result = validateHub(parseYaml(hubText), { devices: DEVICES });
  const errors = result.problems.filter((p) => p.severity === 'error');
  if (!result.hub || errors.length > 0) {
    throw new Error(`fixtures/${name}: hub file invalid: ${errors.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
  const optionsFile = path.join(dir, 'options.json');
  const options: CaseOptions = existsSync(optionsFile) ? JSON.parse(readFileSync(optionsFile, 'utf8')) : {};
  return {
    name,
    dir,
    hub: result.hub,
    hubDigest: createHash('sha256').update(hubText).digest('hex'),
    facts: JSON.parse(readFileSync(path.join(dir, 'facts.json'), 'utf8')) as AzureFacts,
    devices: ([] as DeviceSelection[]).concat(options.device ?? 'own'),
    redact: options.redact ?? false,
    expectedDir: path.join(dir, 'expected'),
  };
}

/** Every file below `dir`, as relative paths with forward slashes. */
export function listTree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(d, entry.name), r);
      else out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** Renders a case's selections and merges them per site (devices in selection order). */
export function planCase(c: GoldenCase, keys: Record<string, string | undefined>): SiteRenderPlan[] {
  const sites = new Map<string, SiteRenderPlan>();
  for (const device of c.devices) {
    const plan = planRender({ hub: c.hub, facts: c.facts, device, keys, redact: c.redact }, DEVICES);
    if (!plan.ok) throw new Error(`${c.name}: ${plan.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    for (const s of plan.sites) {
      const merged = sites.get(s.site);
      if (merged) merged.devices.push(...s.devices);
      else sites.set(s.site, { ...s, devices: [...s.devices] });
    }
  }
  return [...sites.values()];
}
