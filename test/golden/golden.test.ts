/**
 * Golden files: each fixture case renders its bundle in memory and must equal `expected/` exactly
 * (missing and extra files fail). `npm run golden:update` rewrites them; CI never does.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildSiteBundle } from '../../src/bundle/build';
import { DEVICE_IDS } from '../../src/hub/deviceIds';
import { DEVICES } from '../../src/devices/registry';
import { TEMPLATE_ROOT } from '../../src/render/engine';
import { TOOL_VERSION } from '../../src/version';
import { discoverCases, listTree, planCase, type GoldenCase } from './cases';

const UPDATE = process.env.TUNNELSMITH_UPDATE_GOLDENS === '1';
if (UPDATE && process.env.CI) throw new Error('refusing to rewrite golden files in CI');

function renderCase(c: GoldenCase): Map<string, string> {
  const keys = Object.fromEntries(c.facts.sites.map((s) => [s.name, s.sharedKey]));
  const files = new Map<string, string>();
  for (const site of planCase(c, keys)) {
    for (const f of buildSiteBundle(site, { toolVersion: TOOL_VERSION, hubDigest: c.hubDigest, redacted: c.redact })) {
      files.set(`${site.site}/${f.path}`, f.content);
    }
    const key = keys[site.site];
    if (c.redact && key !== undefined) files.set(`${site.site}.key`, `${key}\n`);
  }
  return files;
}

const cases = discoverCases();

describe('golden bundles', () => {
  it('finds the cases the project promises', () => {
    const names = cases.map((c) => c.name);
    for (const required of ['seed-reference', 'active-active-bgp', 'apipa-bgp', 'gcm-ecp384', 'three-sites', 'demo']) {
      expect(names).toContain(required);
    }
  });

  it('covers every device with at least one case', () => {
    const rendered = new Set(cases.flatMap((c) => [...renderCase(c).keys()].map((p) => p.split('/')[1])));
    for (const id of DEVICE_IDS) expect(rendered).toContain(id);
  });

  it('exercises every device template in some case', () => {
    const used = new Set(['handoff/README.md.njk', 'handoff/index.html.njk']);
    for (const c of cases) {
      const keys = Object.fromEntries(c.facts.sites.map((s) => [s.name, s.sharedKey]));
      for (const site of planCase(c, keys)) {
        for (const d of site.devices) for (const f of DEVICES[d.deviceId].files(site.context)) used.add(`${d.deviceId}/${f.template}`);
      }
    }
    const templates = listTree(TEMPLATE_ROOT).filter((t) => t.endsWith('.njk'));
    expect(templates.filter((t) => !used.has(t))).toEqual([]);
  });

  describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const actual = renderCase(c);
    if (UPDATE) {
      rmSync(c.expectedDir, { recursive: true, force: true });
      for (const [rel, content] of actual) {
        const target = path.join(c.expectedDir, rel);
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, content);
      }
    }

    it('writes exactly the expected files', () => {
      expect([...actual.keys()].sort()).toEqual(listTree(c.expectedDir));
    });

    it.each([...actual.keys()].sort())('%s matches its golden file', (rel) => {
      const expected = readFileSync(path.join(c.expectedDir, rel), 'utf8');
      expect(actual.get(rel)).toBe(expected);
    });
  });
});
