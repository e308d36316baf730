/**
 * Property tests over facts files: thousands of mutated facts (wrong types, unknown keys, strings carrying
 * newlines, quotes, braces...) give either rendered files or a clear error, never an uncaught exception,
 * and nothing from a facts file injects a line into a device config.
 * TUNNELSMITH_PROPERTY_RUNS sets the case count (default 1000; the benchmark runs 10000).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { DEVICES } from '../../src/devices/registry';
import { isAppError, InputError } from '../../src/errors';
import { parseFacts } from '../../src/io/factsFile';
import type { Hub } from '../../src/hub/types';
import { FORBIDDEN_IN_VALUES } from '../../src/hub/patterns';
import { validateHub } from '../../src/hub/validate';
import { planRender, type DeviceSelection } from '../../src/render/plan';
import { apply, mutation } from '../hub/mutations';

const RUNS = Number(process.env.TUNNELSMITH_PROPERTY_RUNS ?? 1000);
const FIX = path.resolve(__dirname, '..', '..', 'fixtures');
const CASES: [string, DeviceSelection][] = [
  ['active-active-bgp', 'all'],
  ['apipa-bgp', 'all'],
  ['gcm-ecp384', 'strongswan'],
  ['three-sites', 'own'],
  ['firewalls', 'own'],
];

function loadCase(name: string): { hub: Hub; factsText: string } {
  const r = validateHub(parse(readFileSync(path.join(FIX, name, 'hub.yaml'), 'utf8')), { devices: DEVICES });
  if (!r.hub) throw new Error(`fixture ${name} invalid`);
  return { hub: r.hub, factsText: readFileSync(path.join(FIX, name, 'facts.json'), 'utf8') };
}

const cases = CASES.map(([name, device]) => ({ name, device, ...loadCase(name) }));

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

test(`${RUNS} mutated facts files: rendered files or clear problems, never an exception or an injected line`, () => {
  const stats = { refusedFacts: 0, refusedRender: 0, rendered: 0 };
  fc.assert(
    fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), (pick, mutations, redact) => {
      const c = cases[pick % cases.length];
      const raw = JSON.parse(c.factsText);
      for (const m of mutations) apply(raw, m);
      let facts;
      try {
        facts = parseFacts(JSON.stringify(raw), 'facts.json');
      } catch (e) {
        expect(isAppError(e)).toBe(true);
        expect(e).toBeInstanceOf(InputError);
        for (const p of (e as InputError).problems) expect(`${p.path}${p.message}`).not.toMatch(/[\r\n\u0000]/);
        stats.refusedFacts++;
        return;
      }
      // What the facts file let through carries nothing that could break a config line (keys aside:
      // they are checked per device at render).
      for (const s of strings({ ...facts, sites: facts.sites.map(({ sharedKey: _k, ...rest }) => rest) })) expect(s).not.toMatch(FORBIDDEN_IN_VALUES);
      const keys = Object.fromEntries(facts.sites.map((s) => [s.name, s.sharedKey]));
      const plan = planRender({ hub: c.hub, facts, device: c.device, keys, redact }, DEVICES);
      if (!plan.ok) {
        for (const p of plan.problems) {
          expect(p.path.length).toBeGreaterThan(0);
          expect(p.fix).toBeTruthy();
        }
        stats.refusedRender++;
        return;
      }
      stats.rendered++;
      for (const site of plan.sites) {
        for (const d of site.devices) {
          const key = keys[site.site];
          // A key may hold any printable character (devices refuse the ones they cannot carry); it never
          // holds a line break, and nothing else in a file looks like template syntax.
          if (key) expect(key).not.toMatch(/[\r\n\u0000]/);
          for (const f of d.files) {
            const rest = key ? f.content.split(key).join('') : f.content;
            expect(rest).not.toMatch(/\r|\u0000|\{\{|\{%/);
          }
        }
      }
    }),
    { numRuns: RUNS },
  );
  if (process.env.TUNNELSMITH_PROPERTY_STATS) console.log(stats);
  // Not vacuous: mutated facts are both refused and rendered.
  expect(stats.refusedFacts).toBeGreaterThan(RUNS / 10);
  expect(stats.rendered).toBeGreaterThan(RUNS / 50);
});
