/**
 * Templates compiled at build time (`scripts/precompile-templates.js`, loaded by src/render/engine.ts)
 * render byte for byte like templates compiled from source, and are never used once stale.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSiteBundle } from '../../src/bundle/build';
import { DEVICES } from '../../src/devices/registry';
import type { Site } from '../../src/hub/types';
import { buildSiteContext } from '../../src/render/context';
import { createTemplateEngine, ENGINE_OPTIONS, precompiledMatches, TEMPLATE_ROOT, type PrecompiledTemplates } from '../../src/render/engine';
import { renderDeviceFiles } from '../../src/render/renderSite';
import { TOOL_VERSION } from '../../src/version';
import { discoverCases, planCase, type GoldenCase } from '../golden/cases';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const script = require('../../scripts/precompile-templates.js') as {
  listTemplates(root: string): string[];
  precompiledModule(root: string, options: Record<string, unknown>): string;
  loopVariablesRead(source: string): Set<string> | undefined;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const NUNJUCKS_VERSION = (require('nunjucks/package.json') as { version: string }).version;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ts-precompiled-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

let modules = 0;
/** Writes the generated module to a file and loads it, as the built engine does. */
function load(root: string): PrecompiledTemplates {
  const file = path.join(dir, `precompiled-${++modules}.js`);
  writeFileSync(file, script.precompiledModule(root, ENGINE_OPTIONS));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as PrecompiledTemplates;
}

/** Counts how often each template's precompiled code is loaded. */
function counting(p: PrecompiledTemplates): { precompiled: PrecompiledTemplates; loads: Map<string, number> } {
  const loads = new Map<string, number>();
  const templates = Object.fromEntries(
    Object.entries(p.templates).map(([name, t]) => [name, { sha256: t.sha256, load: () => (loads.set(name, (loads.get(name) ?? 0) + 1), t.load()) }]),
  );
  return { precompiled: { ...p, templates }, loads };
}

function templateRoot(files: Record<string, string>): string {
  const root = path.join(dir, 'templates');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

describe('precompiled templates', () => {
  it('render every golden case byte for byte as expected/ holds it, with every template taken precompiled', () => {
    const { precompiled, loads } = counting(load(TEMPLATE_ROOT));
    const built = createTemplateEngine({ root: TEMPLATE_ROOT, precompiled });
    const expected = (c: GoldenCase, file: string) => readFileSync(path.join(c.expectedDir, file), 'utf8');
    let compared = 0;
    for (const c of discoverCases()) {
      const keys = Object.fromEntries(c.facts.sites.map((s) => [s.name, s.sharedKey]));
      for (const plan of planCase(c, keys)) {
        const site = c.hub.sites.find((s) => s.name === plan.site) as Site;
        for (const { deviceId } of plan.devices) {
          const device = DEVICES[deviceId];
          const ctx = buildSiteContext({ hub: c.hub, facts: c.facts, site, device, sharedKey: c.redact ? undefined : keys[site.name] });
          if (!ctx.ok) throw new Error(`${c.name}: ${JSON.stringify(ctx.problems)}`);
          const rendered = renderDeviceFiles(ctx.ctx, device, built);
          if (!rendered.ok) throw new Error(`${c.name}: ${JSON.stringify(rendered.problems)}`);
          for (const f of rendered.files) {
            expect(f.content).toBe(expected(c, `${plan.site}/${deviceId}/${f.path}`));
            compared++;
          }
        }
        for (const f of buildSiteBundle(plan, { toolVersion: TOOL_VERSION, hubDigest: c.hubDigest, redacted: c.redact }, built)) {
          expect(f.content).toBe(expected(c, `${plan.site}/${f.path}`));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(50);
    const templates = script.listTemplates(TEMPLATE_ROOT);
    expect(templates).toContain('handoff/index.html.njk');
    expect(Object.fromEntries(loads)).toEqual(Object.fromEntries(templates.map((t) => [t, 1])));
  });

  it('a template changed since the build renders from its source; an unchanged one from its compiled code', () => {
    const root = templateRoot({ 'a/changed.njk': '{{ name }} v1\n', 'a/same.njk': '{% for x in items %}{{ x }},{% endfor %}\n' });
    const { precompiled, loads } = counting(load(root));
    writeFileSync(path.join(root, 'a/changed.njk'), '{{ name }} v2\n');
    const engine = createTemplateEngine({ root, precompiled });
    expect(engine.render('a/changed.njk', { name: 'hq' })).toBe('hq v2\n');
    expect(engine.render('a/same.njk', { items: [1, 2] })).toBe('1,2,');
    expect(Object.fromEntries(loads)).toEqual({ 'a/same.njk': 1 });
  });

  it('what renders is the compiled code itself (not a recompile) when the source hash matches', () => {
    const root = templateRoot({ 'a/x.njk': 'compiled {{ name }}\n' });
    const precompiled = load(root);
    const onDisk = 'source {{ name }}\n';
    writeFileSync(path.join(root, 'a/x.njk'), onDisk);
    const entry = precompiled.templates['a/x.njk'] as { sha256: string };
    entry.sha256 = createHash('sha256').update(onDisk, 'utf8').digest('hex');
    expect(createTemplateEngine({ root, precompiled }).render('a/x.njk', { name: 'hq' })).toBe('compiled hq\n');
  });

  it('keeps of the loop.* bindings only those a template reads, and all of them wherever another template could', () => {
    const files = {
      'a/plain.njk': '{% for x in items %}{% if x > 1 %}{{ x }};{% endif %}{% endfor %}\n',
      'a/counted.njk': '{% for x in items %}{{ loop.index }}/{{ loop.length }}={{ x }}{% if not loop.last %},{% endif %}{% endfor %}\n',
      'a/outer.njk': '{% for x in items %}{% include "a/inner.njk" %}{% endfor %}\n',
      'a/inner.njk': '[{{ loop.index0 }}:{{ x }}]',
    };
    const root = templateRoot(files);
    const module = script.precompiledModule(root, ENGINE_OPTIONS);
    const codeOf = (name: string) => module.slice(module.indexOf(JSON.stringify(name)), module.indexOf('\n},', module.indexOf(JSON.stringify(name))));
    const bindings = (name: string) => [...codeOf(name).matchAll(/frame\.set\("loop\.(\w+)"/g)].map((m) => m[1]);
    expect(codeOf('a/plain.njk')).toContain('frame.set("x"');
    expect(bindings('a/plain.njk')).toEqual([]);
    expect(bindings('a/counted.njk')).toEqual(['index', 'last', 'length']);
    expect(bindings('a/outer.njk')).toEqual(['index', 'index0', 'revindex', 'revindex0', 'first', 'last', 'length']);
    const precompiled = createTemplateEngine({ root, precompiled: load(root) });
    const fromSource = createTemplateEngine({ root });
    const view = { items: [1, 2, 3] };
    expect(precompiled.render('a/plain.njk', view)).toBe('2;3;');
    expect(precompiled.render('a/counted.njk', view)).toBe('1/3=1,2/3=2,3/3=3');
    expect(precompiled.render('a/outer.njk', view)).toBe('[0:1][1:2][2:3]');
    for (const name of ['a/plain.njk', 'a/counted.njk', 'a/outer.njk']) expect(precompiled.render(name, view)).toBe(fromSource.render(name, view));
  });

  it('reads the loop variables a template names, or all of them when it names `loop` otherwise or runs another template', () => {
    const read = (source: string) => {
      const names = script.loopVariablesRead(source);
      return names === undefined ? 'all' : [...names].sort();
    };
    expect(read('{% for x in a %}{{ x }}{% endfor %}')).toEqual([]);
    expect(read('{% for x in a %}{{ x }}{% endfor %} a loopback interface')).toEqual([]);
    expect(read('{% for x in a %}{% if loop.first %}[{% endif %}{{ x }}{% endfor %}')).toEqual(['first']);
    expect(read('{% for x in a %}{{ x }}{% endfor %} a routing loop')).toBe('all');
    expect(read('{% for x in a %}{{ loop["index"] }}{% endfor %}')).toBe('all');
    expect(read('{%- for x in a %}{% include "b.njk" %}{% endfor %}')).toBe('all');
    expect(read('{% extends "base.njk" %}')).toBe('all');
    expect(read('{% call m() %}x{% endcall %}')).toBe('all');
  });

  it('keeps the engine options: an undefined variable is an error, trimBlocks and lstripBlocks apply', () => {
    const root = templateRoot({ 'a/strict.njk': '{{ missing }}\n', 'a/blocks.njk': 'a\n  {% if true %}\nb\n  {% endif %}\nc\n' });
    const engine = createTemplateEngine({ root, precompiled: load(root) });
    expect(() => engine.render('a/strict.njk', {})).toThrow(/undefined/);
    expect(engine.render('a/blocks.njk', {})).toBe('a\nb\nc\n');
  });

  it('is used only with the nunjucks version and options it was compiled with', () => {
    const p = load(templateRoot({ 'a/x.njk': 'x\n' }));
    expect(precompiledMatches(p, NUNJUCKS_VERSION)).toBe(true);
    expect(precompiledMatches(p, '0.0.1')).toBe(false);
    expect(precompiledMatches({ ...p, compiledWith: { ...p.compiledWith, options: { ...ENGINE_OPTIONS, trimBlocks: false } } }, NUNJUCKS_VERSION)).toBe(false);
  });

  it('names a missing template, and refuses names outside the template folder', () => {
    const root = templateRoot({ 'a/x.njk': 'x\n' });
    const engine = createTemplateEngine({ root, precompiled: load(root) });
    expect(() => engine.render('a/missing.njk', {})).toThrow(/template not found: a\/missing.njk/);
    expect(() => engine.render('../outside.njk', {})).toThrow(/outside/);
  });
});
