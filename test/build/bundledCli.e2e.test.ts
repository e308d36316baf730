/**
 * The build's bundled CLI (scripts/bundle-cli.js), made here into a scratch folder beside the bin entry
 * and code-cache loader compiled from src/cli: it answers as the CLI run from the sources does, V8
 * accepts the code cache the build saves, and with --debug a stack trace names the TypeScript file and
 * line (through the source map).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { CLI_CHILD } from '../support/cli';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const build = require('../../scripts/bundle-cli.js') as { bundleCli(outfile: string): Promise<number>; makeCodeCache(bundle: string): number };

const ROOT = path.resolve(__dirname, '..', '..');
const HUB = path.join(ROOT, 'fixtures', 'active-active-bgp', 'hub.yaml');
// Inside the package (as dist/ is), so the bundle finds device-templates/ and node_modules/ as built.
const DIR = path.join(ROOT, 'test-artifacts', `bundled-cli-${process.pid}`);
const BIN = path.join(DIR, 'cli', 'main.js');
const BUNDLE = path.join(DIR, 'cli', 'run.js');

function compile(name: string): void {
  const source = readFileSync(path.join(ROOT, 'src', 'cli', `${name}.ts`), 'utf8');
  const out = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  writeFileSync(path.join(DIR, 'cli', `${name}.js`), out);
}

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, { cwd: DIR, env: { PATH: process.env.PATH ?? '', HOME: DIR }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  mkdirSync(path.join(DIR, 'cli'), { recursive: true });
  compile('main');
  compile('codeCache');
  expect(await build.bundleCli(BUNDLE)).toBeGreaterThan(100_000);
  expect(build.makeCodeCache(BUNDLE)).toBeGreaterThan(100_000);
}, 120_000);
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

describe('the bundled CLI', () => {
  it('answers --help, validate and a mistyped command as the sources do', () => {
    for (const argv of [['--help'], ['validate', '--help'], ['validate', '--file', HUB], ['validate', '--file', HUB, '--json'], ['valdate']]) {
      const bundled = run([BIN, ...argv]);
      const sources = run([CLI_CHILD, ...argv]);
      expect({ argv, ...bundled }).toEqual({ argv, ...sources });
    }
    expect(run([BIN, 'validate', '--file', HUB]).stdout).toMatch(/valid hub contoso-hub-rg\/contoso-hub-vnet with 1 site\(s\) \(dc1\)/);
  });

  it('starts from the code cache the build saved (V8 accepts it)', () => {
    const probe = `const s = require(${JSON.stringify(path.join(DIR, 'cli', 'codeCache.js'))}).runWithCodeCache(${JSON.stringify(BUNDLE)}, module);
      process.on('exit', () => process.stderr.write('cache rejected: ' + s.cachedDataRejected + '\\n'));`;
    const r = run(['-e', probe, '--', '--version']);
    expect(r.stderr).toContain('cache rejected: false');
  });

  it('--debug prints a stack trace through the source map: the .ts file and line', () => {
    const r = run(['-r', path.join(ROOT, 'test', 'support', 'plantUnreadable.js'), BIN, 'validate', '--file', HUB, '--debug']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/at readHubText \(.*src\/io\/readHub\.ts:\d+:\d+\)/);
    // Without --debug: the error alone, no stack.
    const plain = run(['-r', path.join(ROOT, 'test', 'support', 'plantUnreadable.js'), BIN, 'validate', '--file', HUB]);
    expect(plain.code).toBe(3);
    expect(plain.stderr).toMatch(/error \[HubUnreadable\]/);
    expect(plain.stderr).not.toMatch(/\bat \S+ \(/);
  });
});
