/** `tunnelsmith bundle` end to end from a facts file: write, --redact, --archive, --diff, hand edits, secrets. */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEVICES } from '../../src/devices/registry';
import { runCli, type CliOutput } from '../support/cli';
import { treeUnder } from '../support/tree';

const DEMO = path.resolve(__dirname, '..', '..', 'fixtures', 'demo');
const KEY = (JSON.parse(readFileSync(path.join(DEMO, 'facts.json'), 'utf8')) as { sites: { sharedKey: string }[] }).sites[0]?.sharedKey as string;
let dir: string;
const runs: CliOutput[] = [];

async function cli(...argv: string[]): Promise<CliOutput> {
  const r = await runCli(['bundle', '--facts', 'facts.json', ...argv], { cwd: dir });
  runs.push(r);
  return r;
}

/** Each path below `root`: a folder's mode, a file's mode and content. */
function listTree(root: string): Map<string, string> {
  return treeUnder(root, (p, st) => (st.isDirectory() ? (st.mode & 0o777).toString(8) : `${(st.mode & 0o777).toString(8)} ${readFileSync(p, 'utf8')}`));
}

beforeAll(() => {
  expect(KEY.length).toBeGreaterThan(20);
});
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ts-bundle-cli-'));
  copyFileSync(path.join(DEMO, 'hub.yaml'), path.join(dir, 'tunnelsmith.yaml'));
  copyFileSync(path.join(DEMO, 'facts.json'), path.join(dir, 'facts.json'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  // Whatever a command printed, the key is in none of it (stdout, stderr, --json).
  for (const r of runs.splice(0)) {
    expect(r.stdout).not.toContain(KEY);
    expect(r.stderr).not.toContain(KEY);
  }
});

describe('tunnelsmith bundle', () => {
  it('refuses an unknown --device before reading anything, listing every registered device', async () => {
    const r = await cli('--device', 'fortinet');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--device fortinet is not a device tunnelsmith renders');
    expect(r.stderr).toContain(`use own, all, ${Object.keys(DEVICES).slice(0, -1).join(', ')} or ${Object.keys(DEVICES).at(-1)}`);
    expect(r.stderr).toContain('cisco-ios, juniper-srx, strongswan, windows-rras, fortigate or paloalto');
  });

  it('writes each site folder with README, manifest and SHA256SUMS; the key only in 0600 files', async () => {
    const r = await cli('--device', 'all', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { sites: { site: string; files: string[] }[] };
    expect(report.sites[0]?.files).toEqual(expect.arrayContaining(['README.md', 'manifest.json', 'SHA256SUMS']));
    const tree = listTree(path.join(dir, 'out', 'hq'));
    const holding = [...tree].filter(([, v]) => v.includes(KEY)).map(([k, v]) => [k, v.split(' ')[0]]);
    expect(holding.length).toBeGreaterThanOrEqual(4);
    for (const [, mode] of holding) expect(mode).toBe('600');
    expect(tree.get('README.md')).toContain('```mermaid');
  });

  it('--redact --archive: no key in the folder or the archive; the key alone in <site>.key; archive extracts to the same tree', async () => {
    const r = await cli('--redact', '--archive');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('key file (0600');
    const site = path.join(dir, 'out', 'hq');
    expect([...listTree(site).values()].some((v) => v.includes(KEY))).toBe(false);
    expect(readFileSync(path.join(dir, 'out', 'hq.key'), 'utf8')).toBe(`${KEY}\n`);
    expect(statSync(path.join(dir, 'out', 'hq.key')).mode & 0o777).toBe(0o600);
    const tar = await import('tar');
    const dest = mkdtempSync(path.join(os.tmpdir(), 'ts-bundle-x-'));
    try {
      await tar.x({ file: path.join(dir, 'out', 'hq.tar.gz'), cwd: dest });
      expect(readdirSync(dest)).toEqual(['hq']);
      expect(listTree(path.join(dest, 'hq'))).toEqual(listTree(site));
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  });

  it('--diff: exit 10 before the first write, 0 right after, 10 when the key changed; never writes', async () => {
    const first = await cli('--diff');
    expect(first.code).toBe(10);
    expect(first.stdout).toContain('no previous bundle');
    expect(readdirSync(dir)).not.toContain('out');
    expect((await cli()).code).toBe(0);
    const same = await cli('--diff');
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('hq: no change');
    const facts = readFileSync(path.join(dir, 'facts.json'), 'utf8').replace(KEY, `${KEY.slice(0, -4)}Zz99`);
    writeFileSync(path.join(dir, 'facts.json'), facts);
    const changed = await cli('--diff', '--json');
    expect(changed.code).toBe(10);
    const d = JSON.parse(changed.stdout) as { sites: { files: { path: string; change: string; secret: boolean }[] }[] };
    expect(d.sites[0]?.files).toEqual([expect.objectContaining({ change: 'changed', secret: true }), expect.objectContaining({ path: 'index.html', change: 'changed', secret: true })]);
    expect(changed.stdout).not.toContain('Zz99');
  });

  it('refuses to overwrite a file edited by hand (exit 3, nothing written) unless --force', async () => {
    await cli();
    const readme = path.join(dir, 'out', 'hq', 'README.md');
    writeFileSync(readme, 'my notes\n');
    const refused = await cli('--device', 'all');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('README.md');
    expect(refused.stderr).toContain('--force');
    expect(readdirSync(path.join(dir, 'out', 'hq'))).not.toContain('strongswan');
    const forced = await cli('--device', 'all', '--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(readme, 'utf8')).toContain('# Site hq');
  });
});
