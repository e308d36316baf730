/**
 * rotate-key through the CLI without Azure: prepare from a facts file when the journal knows the key,
 * status --offline, abort; every output searched for the keys; file modes.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { keyJournalDir, readKeyJournal, writeKeyJournal } from '../../src/io/keyJournal';
import { lastJson, runCli } from '../support/cli';

const DEMO = path.resolve(__dirname, '..', '..', 'fixtures', 'demo');
const HUB_ID = 'ra-hybrid-vpn-er-rg/ra-hybrid-vpn-er-vnet';
const OLD = 'DeployTimeKey4Hq8Zr2Nx6Vb0Mc3Lq7Wt1Yp5Ks9Dg2Fh6Aj0';
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ts-rotate-cli-'));
  copyFileSync(path.join(DEMO, 'hub.yaml'), path.join(dir, 'tunnelsmith.yaml'));
  copyFileSync(path.join(DEMO, 'facts.json'), path.join(dir, 'facts.json'));
  await writeKeyJournal(keyJournalDir(path.join(dir, 'tunnelsmith.yaml')), {
    version: 1,
    hub: HUB_ID,
    site: 'hq',
    connectionName: 'ra-hybrid-vpn-cn',
    current: { key: OLD, origin: 'generated', state: 'active', since: '2026-01-01T00:00:00.000Z' },
  });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function allFilesText(root: string, skip: (p: string) => boolean): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (skip(p)) continue;
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(root, p), readFileSync(p, 'utf8'));
    }
  };
  walk(root);
  return out;
}

describe('rotate-key CLI (no Azure needed)', () => {
  it('prepare writes the journal and out/next; keys appear in no output; status and abort report it', async () => {
    const prepared = await runCli(['rotate-key', 'prepare', '--site', 'hq', '--facts', 'facts.json'], { cwd: dir });
    expect(prepared.stderr).not.toMatch(/error/);
    expect(prepared.code).toBe(0);
    const entry = await readKeyJournal(keyJournalDir(path.join(dir, 'tunnelsmith.yaml')), HUB_ID, 'ra-hybrid-vpn-cn');
    const newKey = entry?.pending?.key as string;
    expect(newKey).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(entry?.current.key).toBe(OLD);
    expect(prepared.stdout).toContain('hq: prepared:');
    expect(prepared.stdout).toContain(path.join(dir, 'out', 'next', 'hq'));

    // The bundle holds the new key, in 0600 files inside 0700 folders.
    const cfg = path.join(dir, 'out', 'next', 'hq', 'cisco-ios');
    const files = readdirSync(cfg);
    expect(files.length).toBeGreaterThan(0);
    const withKey = files.filter((f) => readFileSync(path.join(cfg, f), 'utf8').includes(newKey));
    expect(withKey.length).toBeGreaterThan(0);
    for (const f of withKey) expect(statSync(path.join(cfg, f)).mode & 0o777).toBe(0o600);
    expect(statSync(cfg).mode & 0o777).toBe(0o700);
    const journalDir = keyJournalDir(path.join(dir, 'tunnelsmith.yaml'));
    expect(statSync(journalDir).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(journalDir)) expect(statSync(path.join(journalDir, f)).mode & 0o777).toBe(0o600);

    const status = await runCli(['rotate-key', 'status', '--site', 'hq', '--offline', '--json'], { cwd: dir });
    expect(status.code).toBe(0);
    const report = lastJson(status.stdout) as { sites: { state: string; summary: { hasPending: boolean } }[] };
    expect(report.sites[0]?.state).toBe('prepared');
    expect(report.sites[0]?.summary.hasPending).toBe(true);

    const again = await runCli(['rotate-key', 'prepare', '--site', 'hq', '--facts', 'facts.json', '--json'], { cwd: dir });
    expect(lastJson(again.stdout).sites[0].reused).toBe(true);

    const aborted = await runCli(['rotate-key', 'abort', '--site', 'hq'], { cwd: dir });
    expect(aborted.stdout).toContain('prepared key dropped');
    const afterAbort = await runCli(['rotate-key', 'apply', '--site', 'hq', '--arm-endpoint', 'https://127.0.0.1:9'], { cwd: dir });
    // Nothing is prepared any more: refused before any Azure call.
    expect(afterAbort.code).toBe(2);
    expect(afterAbort.stderr).toContain('NothingPrepared');

    for (const run of [prepared, status, again, aborted, afterAbort]) {
      for (const key of [OLD, newKey]) {
        expect(run.stdout).not.toContain(key);
        expect(run.stderr).not.toContain(key);
      }
    }
  });

  it('--show-secret is the one way a key reaches stdout', async () => {
    await runCli(['rotate-key', 'prepare', '--site', 'hq', '--facts', 'facts.json'], { cwd: dir });
    const shown = await runCli(['rotate-key', 'status', '--site', 'hq', '--offline', '--show-secret'], { cwd: dir });
    expect(shown.stdout).toContain(`current key: ${OLD}`);
    const refused = await runCli(['rotate-key', 'abort', '--site', 'hq', '--show-secret'], { cwd: dir });
    expect(refused.code).toBe(2);
  });

  it('refuses --site with --all, and actions without a site', async () => {
    expect((await runCli(['rotate-key', 'prepare', '--site', 'hq', '--all'], { cwd: dir })).code).toBe(2);
    const none = await runCli(['rotate-key', 'apply'], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('needs --site NAME or --all');
    const unknown = await runCli(['rotate-key', 'prepare', '--site', 'nope', '--facts', 'facts.json'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('use one of: hq');
  });

  it('apply without prepare is refused with the next step, exit 2', async () => {
    const r = await runCli(['rotate-key', 'apply', '--site', 'hq', '--arm-endpoint', 'https://127.0.0.1:9'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('hq: next: run rotate-key prepare first');
    const files = allFilesText(dir, (p) => p.endsWith('tunnelsmith.yaml'));
    expect([...files.keys()].some((f) => f.startsWith('out'))).toBe(false);
  });

  it('prepare --redact --archive: the new key only in out/next/hq.key (0600); the archive never holds it', async () => {
    const r = await runCli(['rotate-key', 'prepare', '--site', 'hq', '--facts', 'facts.json', '--redact', '--archive', '--device', 'all'], { cwd: dir });
    expect(r.code).toBe(0);
    const entry = await readKeyJournal(keyJournalDir(path.join(dir, 'tunnelsmith.yaml')), HUB_ID, 'ra-hybrid-vpn-cn');
    const newKey = entry?.pending?.key as string;
    const next = path.join(dir, 'out', 'next');
    expect(readFileSync(path.join(next, 'hq.key'), 'utf8')).toBe(`${newKey}\n`);
    expect(statSync(path.join(next, 'hq.key')).mode & 0o777).toBe(0o600);
    const texts = allFilesText(path.join(next, 'hq'), () => false);
    expect([...texts.values()].some((t) => t.includes(newKey))).toBe(false);
    expect([...texts.values()].some((t) => t.includes('__TUNNELSMITH_SHARED_KEY__'))).toBe(true);
    const archive = readFileSync(path.join(next, 'hq.tar.gz'));
    const { gunzipSync } = await import('node:zlib');
    expect(gunzipSync(archive).toString('latin1')).not.toContain(newKey);
    expect(r.stdout).toContain('archive:');
    expect(r.stdout).not.toContain(newKey);
  });
});
