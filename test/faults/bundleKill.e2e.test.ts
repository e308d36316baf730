/**
 * A bundle write killed at every rename and every fsync it makes (counted in the child process by a
 * preload, not at named steps or random times), then run again: the site folder was at every point the
 * old bundle, the new one, or (between the two renames of the swap) absent with the old one kept aside;
 * the re-run converges on exactly what a clean run writes, with no leftover. For `rotate-key prepare`,
 * `apply` right after the kill never sets a key that the staged bundle lacks.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readKeyJournal } from '../../src/io/keyJournal';
import { checkStagedBundle } from '../../src/io/stagedBundle';
import { CLI_CHILD as CHILD, lastJson, runCli } from '../support/cli';
import { DEPLOYED_HUB_ID as HUB_ID, deployHub, type DeployedHub } from '../support/emulator';
import { treeUnder } from '../support/tree';
import { KILL_AT_FS_OP } from './helpers';

const DEMO = path.resolve(__dirname, '..', '..', 'fixtures', 'demo');

interface Child {
  signal: NodeJS.Signals | null;
  code: number | null;
  output: string;
}

function runChild(cwd: string, argv: string[], env: NodeJS.ProcessEnv): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', KILL_AT_FS_OP, CHILD, ...argv], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, output }));
  });
}

/** The counted operations of one complete run. */
async function countOps(cwd: string, argv: string[], env: NodeJS.ProcessEnv, under = cwd): Promise<string[]> {
  const opsFile = path.join(os.tmpdir(), `ts-ops-${process.pid}-${Date.now()}.json`);
  const r = await runChild(cwd, argv, { ...env, TUNNELSMITH_TEST_OPS_UNDER: under, TUNNELSMITH_TEST_OPS_FILE: opsFile });
  expect(r.code).toBe(0);
  const ops = JSON.parse(readFileSync(opsFile, 'utf8')) as string[];
  rmSync(opsFile);
  return ops;
}

/** Files and folders below `root` with modes and contents (undefined when `root` is absent). */
function tree(root: string): Record<string, string> | undefined {
  if (!existsSync(root)) return undefined;
  return Object.fromEntries(treeUnder(root, (p, st) => `${(st.mode & 0o777).toString(8)} ${st.isFile() ? readFileSync(p, 'utf8') : '<dir>'}`));
}

describe('render --facts killed at every rename and fsync of its bundle write', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('the site folder is always old, new, or aside; a re-run converges on the clean result', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ts-render-kill-'));
    copyFileSync(path.join(DEMO, 'hub.yaml'), path.join(dir, 'tunnelsmith.yaml'));
    const facts = JSON.parse(readFileSync(path.join(DEMO, 'facts.json'), 'utf8')) as { sites: { sharedKey: string }[] };
    writeFileSync(path.join(dir, 'facts-old.json'), JSON.stringify(facts));
    (facts.sites[0] as { sharedKey: string }).sharedKey = 'NewKey7Hd2Kp9Xw4Mb6Qz1Rt8Lc3Nf5Gj0SaVb2Yu4Ie6Wq8';
    writeFileSync(path.join(dir, 'facts-new.json'), JSON.stringify(facts));
    // strongSwan: two files holding the key, a nested folder, a script (0755).
    const render = (f: string) => ['render', '--facts', f, '--device', 'strongswan'];
    const site = path.join(dir, 'out', 'hq');

    expect((await runCli(render('facts-new.json'), { cwd: dir })).code).toBe(0);
    const newTree = tree(site);
    expect((await runCli(render('facts-old.json'), { cwd: dir })).code).toBe(0);
    const oldTree = tree(site);
    expect(oldTree).not.toEqual(newTree);

    const ops = await countOps(dir, render('facts-new.json'), {});
    expect(ops.filter((o) => o.startsWith('rename'))).toHaveLength(2);
    expect(ops.length).toBeGreaterThanOrEqual(6);
    expect(tree(site)).toEqual(newTree);

    const seen = new Set<string>();
    for (let at = 1; at <= ops.length; at++) {
      expect((await runCli(render('facts-old.json'), { cwd: dir })).code).toBe(0);
      expect(tree(site)).toEqual(oldTree);
      const killed = await runChild(dir, render('facts-new.json'), { TUNNELSMITH_TEST_OPS_UNDER: dir, TUNNELSMITH_TEST_KILL_AT_OP: String(at) });
      expect(killed.signal).toBe('SIGKILL');
      const visible = tree(site);
      if (visible === undefined) {
        seen.add('aside');
        expect(readdirSync(path.join(dir, 'out')).filter((n) => /^\.hq\.old-/.test(n))).toHaveLength(1);
      } else if (JSON.stringify(visible) === JSON.stringify(oldTree)) seen.add('old');
      else {
        expect(visible).toEqual(newTree);
        seen.add('new');
      }
      const again = await runCli(render('facts-new.json'), { cwd: dir });
      expect(again.code).toBe(0);
      expect(tree(site)).toEqual(newTree);
      expect(readdirSync(path.join(dir, 'out'))).toEqual(['hq']);
    }
    expect([...seen].sort()).toEqual(['aside', 'new', 'old']);
  }, 240_000);
});

describe('rotate-key prepare killed at every rename and fsync (journal and bundle), then apply', () => {
  let h: DeployedHub;
  beforeAll(async () => {
    h = await deployHub();
  });
  afterAll(async () => h.close());

  const FAST = ['--confirm-interval', '0.02', '--confirm-timeout', '30'];
  const cli = (...argv: string[]) => runCli(['rotate-key', ...argv, '--site', 'hq'], { cwd: h.dir, env: h.env });
  const next = () => path.join(h.dir, 'out', 'next');

  it('apply refuses (exit 3, Azure unchanged) or finds the complete bundle; a re-run converges: journal == Azure == staged bundle', async () => {
    expect((await cli('prepare')).code).toBe(0);
    expect((await cli('apply', ...FAST)).code).toBe(0);
    // The bundle write's operations (the journal's own write is killed at its named steps in
    // test/rotation/kill.e2e.test.ts); a kill at the first one also leaves the journal written.
    const out = path.join(h.dir, 'out');
    const ops = await countOps(h.dir, ['rotate-key', 'prepare', '--site', 'hq'], h.env, out);
    expect((await cli('abort')).code).toBe(0);
    expect(ops.filter((o) => o.startsWith('rename'))).toEqual([expect.stringMatching(/^rename next\/\.hq\.old-\d+-[0-9a-f]{12}$/), 'rename next/hq']);
    expect(ops.at(-1)).toBe('fsync next');

    const outcomes = new Set<string>();
    for (let at = 1; at <= ops.length; at++) {
      const before = await h.api.getSharedKey('rot-rg', 'cn-hq');
      const killed = await runChild(h.dir, ['rotate-key', 'prepare', '--site', 'hq'], { ...h.env, TUNNELSMITH_TEST_OPS_UNDER: out, TUNNELSMITH_TEST_KILL_AT_OP: String(at) });
      expect(killed.signal).toBe('SIGKILL');
      const journal = await readKeyJournal(h.journalDir, HUB_ID, 'cn-hq');
      const pending = journal?.pending?.key;

      const apply = await cli('apply', ...FAST);
      const after = await h.api.getSharedKey('rot-rg', 'cn-hq');
      expect(pending).toBeDefined();
      if (apply.code === 0) {
        // Only when the staged bundle was complete and carries the key now set.
        outcomes.add('applied');
        expect(after).toBe(pending);
        expect(await checkStagedBundle(next(), 'hq', after)).toBeUndefined();
      } else {
        outcomes.add('refused');
        expect(after).toBe(before);
        expect(apply.code).toBe(3);
        expect(apply.stderr).toContain('StagedBundleStale');
      }
      if (after === before) {
        const again = await cli('prepare', '--json');
        expect(again.code).toBe(0);
        expect(lastJson(again.stdout).sites[0].reused).toBe(true);
        expect((await cli('apply', ...FAST)).code).toBe(0);
      }
      const azure = await h.api.getSharedKey('rot-rg', 'cn-hq');
      const done = await readKeyJournal(h.journalDir, HUB_ID, 'cn-hq');
      expect(done?.current.key).toBe(azure);
      expect(azure).not.toBe(before);
      expect(await checkStagedBundle(next(), 'hq', azure)).toBeUndefined();
      // apply writes no bundle: the old folder a kill left aside goes with the next bundle write.
      const leftover = readdirSync(next()).filter((n) => n !== 'hq');
      if (after === before) expect(leftover).toEqual([]);
      else expect(leftover.every((n) => /^\.hq\.old-\d+-[0-9a-f]{12}$/.test(n))).toBe(true);
    }
    expect((await cli('prepare')).code).toBe(0);
    expect(readdirSync(next())).toEqual(['hq']);
    expect([...outcomes].sort()).toEqual(['applied', 'refused']);
  });
});
