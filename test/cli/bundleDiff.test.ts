/**
 * `bundle --diff` compares the bundle it would write with what is on disk, not only with the previous
 * manifest: a file edited, deleted or re-moded by hand since it was written is reported (exit 10), as
 * `sha256sum -c SHA256SUMS` would fail on it, and nothing is written.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExitCode } from '../../src/errors';
import { jsonLines, runCli } from '../support/cli';

const THREE = path.resolve(__dirname, '..', '..', 'fixtures', 'three-sites');
const ENV = { BRANCH_A_PSK: 'branchAkey0123456789', BRANCH_B_PSK: 'branchBkey0123456789', BRANCH_C_PSK: 'branchCkey0123456789' };
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ts-bundle-diff-'));
  copyFileSync(path.join(THREE, 'hub.yaml'), path.join(dir, 'tunnelsmith.yaml'));
  copyFileSync(path.join(THREE, 'facts.json'), path.join(dir, 'facts.json'));
  const first = await cli();
  expect(first.code).toBe(ExitCode.ok);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...extra: string[]) => runCli(['bundle', '--facts', 'facts.json', '--site', 'branch-a', ...extra], { cwd: dir, env: ENV });
const site = (...p: string[]) => path.join(dir, 'out', 'branch-a', ...p);
/** The device file of branch-a (the one that holds the key). */
function deviceFile(): string {
  const manifest = JSON.parse(readFileSync(site('manifest.json'), 'utf8')) as { files: { path: string; secret: boolean }[] };
  return manifest.files.find((f) => f.secret && f.path.includes('/'))!.path;
}
const sumsPass = () => {
  try {
    execFileSync('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: site(), stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
};

test('right after a bundle: no change, exit 0', async () => {
  const r = await cli('--diff');
  expect(r.code).toBe(ExitCode.ok);
  expect(r.stdout).toBe('branch-a: no change\n');
  expect(sumsPass()).toBe(true);
});

test('a file edited by hand: reported with what bundle will do about it, exit 10, nothing written', async () => {
  const file = deviceFile();
  appendFileSync(site(file), '\n! a line added on the router\n');
  expect(sumsPass()).toBe(false);
  const edited = readFileSync(site(file), 'utf8');
  const r = await cli('--diff');
  expect(r.code).toBe(ExitCode.changesPending);
  expect(r.stdout).toBe(
    'branch-a: changes against the previous bundle\n' +
      `  ! ${file} (edited by hand since tunnelsmith wrote it) [holds the shared key]\n` +
      '  bundle will not overwrite a file edited by hand: keep your edits elsewhere, or run bundle --force\n',
  );
  expect(readFileSync(site(file), 'utf8')).toBe(edited);
  const json = await cli('--diff', '--json');
  expect(json.code).toBe(ExitCode.changesPending);
  const report = jsonLines(json.stdout).find((d) => d.event === 'diff');
  expect(report).toMatchObject({ event: 'diff', changed: true, sites: [{ site: 'branch-a', changed: true, files: [{ path: file, change: 'edited', secret: true }] }] });
  expect(json.stdout).not.toContain(ENV.BRANCH_A_PSK);
  // And bundle itself refuses it, as the diff said.
  const again = await cli();
  expect(again.code).toBe(ExitCode.invalidInput);
  expect(again.stderr).toMatch(/error \[HandEdited\]/);
});

test('a file deleted or re-moded by hand is reported too', async () => {
  unlinkSync(site('README.md'));
  // 0640: a mode tunnelsmith never writes (0600/0644, 0700/0755).
  chmodSync(site('index.html'), 0o640);
  const r = await cli('--diff');
  expect(r.code).toBe(ExitCode.changesPending);
  expect(r.stdout).toContain('  ! README.md (deleted since tunnelsmith wrote it; bundle writes it again)\n');
  expect(r.stdout).toMatch(/ {2}! index\.html \(mode changed by hand to 0640 \(tunnelsmith wrote 06(00|44)\)\)/);
});

test('a file put back as tunnelsmith wrote it is no change again', async () => {
  const file = deviceFile();
  const original = readFileSync(site(file), 'utf8');
  appendFileSync(site(file), 'x');
  expect((await cli('--diff')).code).toBe(ExitCode.changesPending);
  writeFileSync(site(file), original);
  expect((await cli('--diff')).code).toBe(ExitCode.ok);
});
