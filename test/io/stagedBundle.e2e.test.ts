/**
 * `rotate-key apply` refuses (exit 3) while the staged bundle does not carry the journal's prepared key:
 * missing, moved elsewhere, incomplete, edited, or holding another key. Azure is not touched then; a
 * re-run of prepare (same key) makes apply go through. The check itself is tried on every golden bundle.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readKeyJournal } from '../../src/io/keyJournal';
import { checkStagedBundle } from '../../src/io/stagedBundle';
import { lastJson, runCli } from '../support/cli';
import { DEPLOYED_HUB_ID as HUB_ID, deployHub, type DeployedHub } from '../support/emulator';

const FAST = ['--confirm-interval', '0.02', '--confirm-timeout', '30'];
const FIXTURES = path.resolve(__dirname, '..', '..', 'fixtures');

describe('checkStagedBundle on the golden bundles', () => {
  const cases = readdirSync(FIXTURES).filter((c) => existsSync(path.join(FIXTURES, c, 'expected')));
  it.each(cases)('%s: every site carries its facts key (and no other)', async (c) => {
    const facts = JSON.parse(readFileSync(path.join(FIXTURES, c, 'facts.json'), 'utf8')) as { sites: { name: string; sharedKey?: string }[] };
    const expected = path.join(FIXTURES, c, 'expected');
    for (const s of facts.sites) {
      if (!existsSync(path.join(expected, s.name))) continue;
      const redacted = (JSON.parse(readFileSync(path.join(expected, s.name, 'manifest.json'), 'utf8')) as { redacted: boolean }).redacted;
      if (redacted || s.sharedKey === undefined) {
        // No key in the folder and no key file beside it: never "carries" a key.
        expect(await checkStagedBundle(expected, s.name, 'AnyKey123')).toMatch(/redacted and its key file .* is missing|holds no device file/);
        continue;
      }
      expect(await checkStagedBundle(expected, s.name, s.sharedKey)).toBeUndefined();
      expect(await checkStagedBundle(expected, s.name, `${s.sharedKey}x`)).toMatch(/does not carry the prepared key/);
    }
  });
});

describe('rotate-key apply and the staged bundle', () => {
  let h: DeployedHub;
  beforeEach(async () => {
    h = await deployHub();
  });
  afterEach(async () => h.close());

  const cli = (...argv: string[]) => runCli(['rotate-key', ...argv], { cwd: h.dir, env: h.env });
  const azureKey = () => h.api.getSharedKey('rot-rg', 'cn-hq');
  const next = (...p: string[]) => path.join(h.dir, 'out', 'next', ...p);

  async function expectRefused(fragment: string, extra: string[] = []): Promise<void> {
    const before = await azureKey();
    h.emu.control.clearRequestLog();
    const r = await cli('apply', '--site', 'hq', ...FAST, ...extra);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('hq: error [StagedBundleStale]: site hq: the staged bundle');
    expect(r.stderr).toContain(fragment);
    expect(r.stderr).toContain('rotate-key prepare --site hq again');
    expect(await azureKey()).toBe(before);
    expect(h.emu.control.requestLog().filter((e) => e.method !== 'GET')).toEqual([]);
    expect(((await readKeyJournal(h.journalDir, HUB_ID, 'cn-hq')) as { rotation?: { state: string } }).rotation?.state).toBe('prepared');
  }

  it('refuses when the staged bundle is gone, edited, or holds another key; prepare again (same key) lets apply through', async () => {
    expect((await cli('prepare', '--site', 'hq')).code).toBe(0);
    const pending = (await readKeyJournal(h.journalDir, HUB_ID, 'cn-hq'))?.pending?.key as string;
    const swan = next('hq', 'strongswan', 'swanctl.conf');
    const original = readFileSync(swan, 'utf8');

    // What the old per-file writer could leave after a kill: a device file of the previous bundle.
    writeFileSync(swan, original.split(pending).join('PreviousKey123abc'));
    await expectRefused('strongswan/swanctl.conf differs from its manifest');
    writeFileSync(swan, original);
    rmSync(next('hq', 'SHA256SUMS'));
    rmSync(next('hq', 'strongswan', 'frr.conf'));
    await expectRefused('is incomplete: strongswan/frr.conf is missing');
    rmSync(next('hq'), { recursive: true });
    await expectRefused(`is missing (${next('hq')})`);

    const again = await cli('prepare', '--site', 'hq', '--json');
    expect(lastJson(again.stdout).sites[0].reused).toBe(true);
    expect((await cli('apply', '--site', 'hq', ...FAST)).code).toBe(0);
    expect(await azureKey()).toBe(pending);
  });

  it('a bundle staged with --out elsewhere is checked with the same --out; a redacted one by its key file', async () => {
    expect((await cli('prepare', '--site', 'hq', '--out', 'staged', '--redact')).code).toBe(0);
    const pending = (await readKeyJournal(h.journalDir, HUB_ID, 'cn-hq'))?.pending?.key as string;
    await expectRefused(`is missing (${next('hq')})`);
    writeFileSync(path.join(h.dir, 'staged', 'hq.key'), 'SomeOtherKey123\n');
    await expectRefused('is redacted and its key file', ['--out', 'staged']);
    writeFileSync(path.join(h.dir, 'staged', 'hq.key'), `${pending}\n`);
    expect((await cli('apply', '--site', 'hq', '--out', 'staged', ...FAST)).code).toBe(0);
    expect(await azureKey()).toBe(pending);
  });
});
