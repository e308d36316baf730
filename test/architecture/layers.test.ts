/**
 * The layer rule, checked on src/'s real import graph (TypeScript's parser, `import type` included):
 * no import from a lower layer to a higher one, devices apart from one another, azure's parts in order,
 * the emulator apart, and no import circle. The checker itself is tried on planted graphs first, so a
 * broken checker cannot pass silently.
 */
import path from 'node:path';
import { moduleSpecifiers, readImportGraph, type ImportEdge } from './importGraph';
import { importCycles, layerViolations, LEVELS, unusedExceptions } from './layerRules';

const SRC = path.resolve(__dirname, '..', '..', 'src');

/**
 * Imports the layer rule does not allow yet, each `from -> to` (src-relative). The test fails when one of
 * them is no longer there, so the list only shrinks. It is empty: keep it so.
 */
const KNOWN_EXCEPTIONS = new Set<string>([]);

const edge = (from: string, to: string, specifier = to): ImportEdge => ({ from, to, specifier, line: 1 });

describe('the import reader', () => {
  it('finds every form of import with a string literal, and only those', () => {
    const source = [
      "import a from './a';",
      "import type { B } from './b';",
      "import './c';",
      "export { d } from './d';",
      "export * from './e';",
      "import f = require('./f');",
      "const g = require('./g');",
      "async function h() { return import('./h'); }",
      "type I = import('./i').I;",
      "const notAModule = require(name);",
      "const text = \"import x from './not-an-import'\";",
      '// import y from "./commented";',
    ].join('\n');
    expect(moduleSpecifiers('x.ts', source).map((m) => m.specifier)).toEqual(['./a', './b', './c', './d', './e', './f', './g', './h', './i']);
  });

  it('reads src/ with every file resolved', () => {
    const edges = readImportGraph(SRC);
    expect(edges.filter((e) => e.from.startsWith('cli/')).length).toBeGreaterThan(20);
    expect(edges.filter((e) => e.to === null).map((e) => `src/${e.from}:${e.line} ${e.specifier}`)).toEqual([]);
    // a dynamic import (`await import('../io/readHub')`) is in the graph
    expect(edges).toContainEqual(expect.objectContaining({ from: 'app/session.ts', to: 'io/readHub.ts' }));
  });
});

describe('the layer checker on planted graphs', () => {
  it('names an upward import with both levels', () => {
    expect(layerViolations([edge('io/readHub.ts', 'cli/command.ts')]).map((v) => v.message)).toEqual([
      'src/io/readHub.ts:1 -> src/cli/command.ts: io (4) imports cli (7), a higher level',
    ]);
    expect(layerViolations([edge('cli/command.ts', 'io/readHub.ts'), edge('bundle/build.ts', 'render/plan.ts'), edge('render/plan.ts', 'errors.ts')])).toEqual([]);
  });

  it('hub never imports devices; a device never imports another device or the registry; kit imports no device', () => {
    const rules = (from: string, to: string) => layerViolations([edge(from, to)]).map((v) => v.rule);
    expect(rules('hub/validate.ts', 'devices/registry.ts')).toEqual(['levels']);
    expect(rules('devices/cisco-ios/view.ts', 'devices/juniper-srx/keywords.ts')).toEqual(['devices']);
    expect(rules('devices/cisco-ios/view.ts', 'devices/registry.ts')).toEqual(['devices']);
    expect(rules('devices/kit/header.ts', 'devices/strongswan/device.ts')).toEqual(['devices']);
    expect(rules('devices/cisco-ios/view.ts', 'devices/kit/header.ts')).toEqual([]);
    expect(rules('devices/registry.ts', 'devices/cisco-ios/device.ts')).toEqual([]);
  });

  it('within azure: resources import client only, deploy client and resources, client nothing else', () => {
    const rules = (from: string, to: string) => layerViolations([edge(from, to)]).map((v) => v.rule);
    expect(rules('azure/resources/gateway.ts', 'azure/skus.ts')).toEqual(['azure parts']);
    expect(rules('azure/resources/gateway.ts', 'azure/deploy/waiting.ts')).toEqual(['azure parts']);
    expect(rules('azure/deploy/apply.ts', 'azure/events.ts')).toEqual(['azure parts']);
    expect(rules('azure/client/sdk.ts', 'azure/resources/table.ts')).toEqual(['azure parts']);
    expect(rules('azure/resources/gateway.ts', 'azure/client/model.ts')).toEqual([]);
    expect(rules('azure/deploy/apply.ts', 'azure/resources/table.ts')).toEqual([]);
    expect(rules('azure/readBack.ts', 'azure/deploy/plan.ts')).toEqual([]);
    expect(rules('azure/deploy/apply.ts', 'azure/events.ts')).toEqual(['azure parts']);
    expect(layerViolations([edge('azure/deploy/apply.ts', 'azure/events.ts')], new Set(['azure/deploy/apply.ts -> azure/events.ts']))).toEqual([]);
  });

  it('the emulator stands apart: it imports nothing of the rest, and only cli imports it', () => {
    const rules = (from: string, to: string) => layerViolations([edge(from, to)]).map((v) => v.rule);
    expect(rules('emulator/server.ts', 'errors.ts')).toEqual(['emulator apart']);
    expect(rules('app/session.ts', 'emulator/index.ts')).toEqual(['emulator apart']);
    expect(rules('cli/commands/emulator.ts', 'emulator/index.ts')).toEqual([]);
    expect(rules('emulator/server.ts', 'emulator/state.ts')).toEqual([]);
  });

  it('a folder missing from the table, an unresolved module and a file outside src/ are named', () => {
    expect(layerViolations([edge('widgets/x.ts', 'errors.ts')]).map((v) => v.rule)).toEqual(['level table']);
    expect(layerViolations([{ from: 'cli/main.ts', specifier: './gone', to: null, line: 3 }]).map((v) => v.message)).toEqual(['src/cli/main.ts:3 -> ./gone: the relative module names no file']);
    expect(layerViolations([edge('cli/main.ts', '../test/support/cli.ts')]).map((v) => v.rule)).toEqual(['inside src']);
    expect(layerViolations([edge('version.ts', '../package.json')])).toEqual([]);
  });

  it('finds each import circle and names it file by file', () => {
    const edges = [
      edge('a.ts', 'b.ts'),
      edge('b.ts', 'c.ts'),
      edge('c.ts', 'a.ts'),
      edge('c.ts', 'd.ts'),
      edge('d.ts', 'd.ts'),
      edge('e.ts', 'f.ts'),
    ];
    expect(importCycles(edges)).toEqual([
      ['a.ts', 'b.ts', 'c.ts', 'a.ts'],
      ['d.ts', 'd.ts'],
    ]);
    expect(importCycles([edge('a.ts', 'b.ts'), edge('b.ts', 'c.ts')])).toEqual([]);
  });
});

describe('src/', () => {
  const edges = readImportGraph(SRC);

  it('every top-level entry of src/ has a level (or is the emulator)', () => {
    const areas = [...new Set(edges.flatMap((e) => [e.from, ...(typeof e.to === 'string' && !e.to.startsWith('../') ? [e.to] : [])]).map((f) => f.split('/')[0]))];
    expect(areas.filter((a) => !(a in LEVELS) && a !== 'emulator')).toEqual([]);
  });

  it('imports only from its own level and below (design.md, allowed imports)', () => {
    expect(layerViolations(edges, KNOWN_EXCEPTIONS).map((v) => v.message)).toEqual([]);
  });

  it('the known exceptions are all still there (remove the ones fixed)', () => {
    expect(unusedExceptions(edges, KNOWN_EXCEPTIONS)).toEqual([]);
  });

  it('every module that builds zod schemas sets zod jitless first (hub/zodWithoutCodegen.ts, imported before zod)', () => {
    const usesZod = edges.filter((e) => e.specifier === 'zod' && e.from !== 'hub/zodWithoutCodegen.ts');
    expect(usesZod.length).toBeGreaterThan(0);
    const late = usesZod.filter((z) => !edges.some((e) => e.from === z.from && e.to === 'hub/zodWithoutCodegen.ts' && e.line < z.line));
    expect(late.map((e) => e.from)).toEqual([]);
  });

  it('has no import circle', () => {
    expect(importCycles(edges).map((c) => c.map((f) => `src/${f}`).join(' -> '))).toEqual([]);
  });
});
