/**
 * A command loads only what it runs (issue 15, start-up): the real bin entry, from the sources, in a
 * child process that lists every module it loaded. `validate` loads no Azure SDK, emulator, Azure layer
 * or template engine; `render --facts` loads the template engine but no Azure SDK or emulator; `--help`
 * loads no command's work at all. The bundled CLI keeps this: a module reached only through
 * `await import()` is evaluated there on first use.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI_CHILD } from '../support/cli';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURE = path.join(ROOT, 'fixtures', 'active-active-bgp');
const PRELOAD = path.join(__dirname, '..', 'support', 'loadedModules.js');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ts-startup-modules-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI with `argv`; returns its exit code and every loaded file, relative to the package root. */
function loadedBy(argv: string[]): Promise<{ code: number | null; modules: string[]; stderr: string }> {
  const list = path.join(dir, `modules-${argv[0]?.replace(/\W/g, '')}.json`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', PRELOAD, CLI_CHILD, ...argv], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: dir, TUNNELSMITH_TEST_LOADED_MODULES: list },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const modules = (JSON.parse(readFileSync(list, 'utf8')) as string[]).map((f) => path.relative(ROOT, f).split(path.sep).join('/'));
      resolve({ code, modules, stderr });
    });
  });
}

const under = (modules: string[], prefix: string) => modules.filter((m) => m.startsWith(prefix));

describe('what each command loads', () => {
  it('validate: the hub file checks, without the Azure SDK, the emulator, the Azure layer or nunjucks', async () => {
    const r = await loadedBy(['validate', '--file', path.join(FIXTURE, 'hub.yaml')]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    // What validate needs is there (the list is complete, not empty).
    expect(r.modules).toEqual(expect.arrayContaining(['src/io/readHub.ts', 'src/hub/validate.ts', 'src/hub/schema.ts']));
    expect(under(r.modules, 'node_modules/zod/').length).toBeGreaterThan(0);
    expect(under(r.modules, 'node_modules/js-yaml/').length).toBeGreaterThan(0);
    // The yaml package words syntax errors (and writes import's file): a valid hub never loads it.
    for (const heavy of ['node_modules/yaml/', 'node_modules/@azure/', 'node_modules/nunjucks/', 'node_modules/tar/', 'node_modules/selfsigned/', 'src/emulator/', 'src/azure/', 'src/keyvault/', 'src/render/', 'src/bundle/']) {
      expect({ heavy, loaded: under(r.modules, heavy) }).toEqual({ heavy, loaded: [] });
    }
  });

  it('render --facts: the template engine and bundle code, without the Azure SDK or the emulator', async () => {
    const r = await loadedBy(['render', '--file', path.join(FIXTURE, 'hub.yaml'), '--facts', path.join(FIXTURE, 'facts.json'), '--site', 'dc1', '--out', path.join(dir, 'out')]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.modules).toEqual(expect.arrayContaining(['src/render/engine.ts', 'src/bundle/build.ts']));
    expect(under(r.modules, 'node_modules/nunjucks/').length).toBeGreaterThan(0);
    for (const heavy of ['node_modules/@azure/', 'src/emulator/', 'src/azure/client/', 'src/azure/deploy/', 'src/keyvault/']) {
      expect({ heavy, loaded: under(r.modules, heavy) }).toEqual({ heavy, loaded: [] });
    }
  });

  it('--help: the command list and yargs, no command work (no hub file parser, schema or templates)', async () => {
    const r = await loadedBy(['--help']);
    expect(r.code).toBe(0);
    expect(r.modules).toEqual(expect.arrayContaining(['src/cli/exec.ts', 'src/cli/commands/validate.ts', 'src/cli/commands/deploy.ts']));
    for (const heavy of ['node_modules/@azure/', 'node_modules/nunjucks/', 'node_modules/zod/', 'node_modules/yaml/', 'node_modules/js-yaml/', 'node_modules/ip-address/', 'src/emulator/', 'src/azure/', 'src/io/', 'src/hub/', 'src/render/', 'src/devices/']) {
      expect({ heavy, loaded: under(r.modules, heavy) }).toEqual({ heavy, loaded: [] });
    }
  });
});
