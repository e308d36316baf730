/**
 * Writers never leave their output tree: a symbolic link planted where a site folder, a device folder or
 * a file of the bundle goes is refused (nothing written, read, chmodded or removed through it), and the
 * paths of a planted manifest are never removed, with or without --force. `render` and `bundle` from a
 * facts file, in-process, as a user runs them.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sha256 } from '../../src/bundle/manifest';
import { isProducedPath } from '../../src/io/writeBundle';
import { runCli } from '../support/cli';
import { treeUnder } from '../support/tree';

const DEMO = path.resolve(__dirname, '..', '..', 'fixtures', 'demo');
const KEY = (JSON.parse(readFileSync(path.join(DEMO, 'facts.json'), 'utf8')) as { sites: { sharedKey: string }[] }).sites[0]?.sharedKey as string;

let dir: string;
/** A folder outside the output tree, as a planted link would name it (`/etc`, a home folder). */
let victim: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ts-out-tree-'));
  victim = mkdtempSync(path.join(os.tmpdir(), 'ts-victim-'));
  chmodSync(victim, 0o755);
  writeFileSync(path.join(victim, 'precious.txt'), 'keep me\n', { mode: 0o644 });
  copyFileSync(path.join(DEMO, 'hub.yaml'), path.join(dir, 'tunnelsmith.yaml'));
  copyFileSync(path.join(DEMO, 'facts.json'), path.join(dir, 'facts.json'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(victim, { recursive: true, force: true });
});

/** Everything under a folder with modes and contents, for "nothing changed" checks. */
function snapshot(root: string): Record<string, string> {
  const below = treeUnder(root, (p, st) => `${(st.mode & 0o777).toString(8)} ${st.isFile() ? readFileSync(p, 'utf8') : '<dir>'}`);
  return { '.': (statSync(root).mode & 0o777).toString(8), ...Object.fromEntries(below) };
}

const cli = (command: 'render' | 'bundle', ...more: string[]) => runCli([command, '--facts', 'facts.json', '--device', 'all', ...more], { cwd: dir });

describe.each(['render', 'bundle'] as const)('%s never writes through a planted link', (command) => {
  it('a link at out/<site>: refused with the path and the fix, the link target untouched (not chmodded to 0700)', async () => {
    mkdirSync(path.join(dir, 'out'));
    symlinkSync(victim, path.join(dir, 'out', 'hq'));
    const before = snapshot(victim);
    const r = await cli(command);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`${path.join(dir, 'out', 'hq')}: is a symbolic link`);
    expect(r.stderr).toContain('error [LinkRefused]');
    expect(r.stderr).toMatch(/fix: remove the link/);
    expect(snapshot(victim)).toEqual(before);
    expect(readdirSync(path.join(dir, 'out'))).toEqual(['hq']);
  });

  it('a link at a device folder or at a file of an earlier bundle: refused, the target and the bundle untouched', async () => {
    expect((await cli(command)).code).toBe(0);
    const site = path.join(dir, 'out', 'hq');
    for (const planted of [path.join(site, 'cisco-ios'), path.join(site, 'strongswan', 'swanctl.conf')]) {
      const saved = `${planted}.saved`;
      copyPath(planted, saved);
      rmSync(planted, { recursive: true });
      symlinkSync(planted.endsWith('.conf') ? path.join(victim, 'precious.txt') : victim, planted);
      const before = snapshot(victim);
      const r = await cli(command, '--force');
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`${planted}: is a symbolic link`);
      expect(snapshot(victim)).toEqual(before);
      expect(readFileSync(path.join(victim, 'precious.txt'), 'utf8')).toBe('keep me\n');
      rmSync(planted);
      copyPath(saved, planted);
      rmSync(saved, { recursive: true });
    }
    expect(r0(await cli(command))).toBe(0);
  });

  it('a planted manifest listing ../../x (with its checksum) never removes x, without and with --force', async () => {
    const outside = path.join(dir, 'outside.txt');
    writeFileSync(outside, 'not yours\n');
    const site = path.join(dir, 'out', 'hq');
    mkdirSync(site, { recursive: true });
    const planted = { manifestVersion: 1, tool: 'tunnelsmith', toolVersion: '0.1.0', hub: 'x/y', hubDigest: '0', site: 'hq', devices: [], redacted: false, files: [{ path: '../../outside.txt', sha256: sha256('not yours\n'), bytes: 10, mode: '0644', secret: false }, { path: `../${path.basename(victim)}/precious.txt`, sha256: 'f'.repeat(64), bytes: 8, mode: '0644', secret: false }] };
    writeFileSync(path.join(site, 'manifest.json'), JSON.stringify(planted));

    const refused = await cli(command);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`${path.join(site, 'manifest.json')}: lists "../../outside.txt", a path tunnelsmith never writes`);
    expect(existsSync(outside)).toBe(true);

    const forced = await cli(command, '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).not.toContain('outside.txt');
    expect(readFileSync(outside, 'utf8')).toBe('not yours\n');
    expect(readFileSync(path.join(victim, 'precious.txt'), 'utf8')).toBe('keep me\n');
    const manifest = JSON.parse(readFileSync(path.join(site, 'manifest.json'), 'utf8')) as { files: { path: string }[] };
    expect(manifest.files.every((f) => isProducedPath(f.path))).toBe(true);
    expect(readFileSync(path.join(site, 'cisco-ios', 'azure-vpn.cfg'), 'utf8')).toContain(KEY);
  });

  it('a link where the hub lock folder goes (.tunnelsmith) is refused before anything is written', async () => {
    symlinkSync(victim, path.join(dir, '.tunnelsmith'));
    const before = snapshot(victim);
    const r = await cli(command);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`${path.join(dir, '.tunnelsmith')} is a symbolic link`);
    expect(snapshot(victim)).toEqual(before);
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
  });
});

describe('paths a manifest may list', () => {
  it('are the top files and <device id>/<plain name> only', () => {
    for (const ok of ['README.md', 'index.html', 'manifest.json', 'SHA256SUMS', 'cisco-ios/azure-vpn.cfg', 'strongswan/strongswan.d/tunnelsmith.conf']) expect(isProducedPath(ok)).toBe(true);
    for (const bad of ['../x', '../../etc/passwd', '/etc/passwd', 'cisco-ios/../../x', 'cisco-ios/.hidden', 'unknown-device/x', 'cisco-ios', 'cisco-ios/a/b/c', 'notes.txt', '', 42, null]) expect(isProducedPath(bad)).toBe(false);
  });
});

function copyPath(from: string, to: string): void {
  if (statSync(from).isDirectory()) {
    mkdirSync(to);
    for (const n of readdirSync(from)) copyPath(path.join(from, n), path.join(to, n));
  } else copyFileSync(from, to);
}

function r0(r: { code: number }): number {
  return r.code;
}
