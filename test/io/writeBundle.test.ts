/** writeBundles across several sites: every site checked before any write, folders, modes, fsync, re-render. */
import nodeFs from 'node:fs';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSiteBundle } from '../../src/bundle/build';
import * as atomicWrite from '../../src/io/atomicWrite';
import { InputError } from '../../src/errors';
import { REDACTED_KEY_PLACEHOLDER } from '../../src/render/context';
import { templateEngine } from '../../src/render/engine';
import { SITES_AT_ONCE, swapIn, writeBundles, type SiteBundle } from '../../src/io/writeBundle';
import { FAKE_DEVICES, KEY, sitePlan } from '../bundle/helpers/plan';

let out: string;
let umask: number;
beforeEach(() => {
  out = mkdtempSync(path.join(os.tmpdir(), 'ts-write-'));
  umask = process.umask();
});
afterEach(() => {
  process.umask(umask);
  jest.restoreAllMocks();
  rmSync(out, { recursive: true, force: true });
});

const OTHER_KEY = 'AnotherKey000000000000000000000000000000000000000';

function bundle(site: string, opts: { key?: string; redact?: boolean } = {}): SiteBundle {
  const key = opts.key ?? KEY;
  const files = buildSiteBundle(sitePlan(opts.redact ? REDACTED_KEY_PLACEHOLDER : key), { toolVersion: '1.0.0', hubDigest: 'a'.repeat(64), redacted: opts.redact ?? false }, templateEngine, FAKE_DEVICES);
  return { site, files, ...(opts.redact ? { separateKey: key } : {}) };
}

const modeOf = (p: string) => statSync(p).mode & 0o777;
const allNames = (root: string) => readdirSync(root, { recursive: true }) as string[];

describe('writeBundles', () => {
  // 077 takes bits from every mode written (each is set after creation); 022 and 000 take none (none is).
  it.each([0o077, 0o022, 0o000])('writes every site with its files, exact modes under umask %o, and no temporary file', async (mask) => {
    process.umask(mask);
    const chmods = jest.spyOn(nodeFs, 'fchmodSync');
    const sites = ['hq', 'branch1', 'branch2'].map((s) => bundle(s));
    const written = await writeBundles(sites, { outDir: path.join(out, 'fresh'), force: false, durable: false });
    // Under 022 and 000 only <out> itself, created with its parents, has its mode set.
    if (mask === 0o077) expect(chmods.mock.calls.length).toBeGreaterThan(3 * 5);
    else expect(chmods).toHaveBeenCalledTimes(1);
    expect(written.map((w) => w.site)).toEqual(['hq', 'branch1', 'branch2']);
    for (const b of sites) {
      for (const f of b.files) {
        const p = path.join(out, 'fresh', b.site, f.path);
        expect(readFileSync(p, 'utf8')).toBe(f.content);
        expect(modeOf(p)).toBe(f.mode);
      }
      expect(modeOf(path.join(out, 'fresh', b.site))).toBe(0o700);
      expect(modeOf(path.join(out, 'fresh', b.site, 'cisco-ios'))).toBe(0o700);
    }
    expect(modeOf(path.join(out, 'fresh'))).toBe(0o755);
    expect(allNames(out).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('checks every site before writing any: a hand edit in the last site stops the first one too', async () => {
    await writeBundles([bundle('hq'), bundle('branch')], { outDir: out, force: false });
    const edited = path.join(out, 'branch', 'README.md');
    writeFileSync(edited, 'my notes\n');
    const next = [bundle('hq', { key: OTHER_KEY }), bundle('branch', { key: OTHER_KEY }), bundle('new-site', { key: OTHER_KEY })];
    const err = await writeBundles(next, { outDir: out, force: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).problems.map((p) => p.path)).toEqual([edited]);
    expect(readFileSync(path.join(out, 'hq', 'cisco-ios', 'azure-vpn.cfg'), 'utf8')).toContain(KEY);
    expect(existsSync(path.join(out, 'new-site'))).toBe(false);
  });

  it('renders again over its own output, forcing folder modes (a site that now holds the key becomes 0700); <out> keeps its own mode', async () => {
    const redacted = bundle('hq', { redact: true });
    await writeBundles([redacted], { outDir: out, force: false });
    chmodSync(path.join(out, 'hq'), 0o755);
    chmodSync(path.join(out, 'hq', 'cisco-ios'), 0o755);
    chmodSync(out, 0o700);
    const withKey = bundle('hq');
    const [w] = await writeBundles([withKey], { outDir: out, force: false });
    expect(w?.files.sort()).toEqual(withKey.files.map((f) => f.path).sort());
    expect(modeOf(path.join(out, 'hq'))).toBe(0o700);
    expect(modeOf(path.join(out, 'hq', 'cisco-ios'))).toBe(0o700);
    // <out> is the user's folder: created 0755 when missing, an existing one is never re-moded.
    expect(modeOf(out)).toBe(0o700);
    expect(readFileSync(path.join(out, 'hq', 'cisco-ios', 'azure-vpn.cfg'), 'utf8')).toContain(KEY);
    expect(JSON.parse(readFileSync(path.join(out, 'hq', 'manifest.json'), 'utf8')).redacted).toBe(false);
  });

  it('fsyncs the files holding the key, every folder of the new site folder, <out> after the swap and the separate key file, unless durable is false', async () => {
    const fsync = jest.spyOn(nodeFs, 'fsync');
    const folders = (b: SiteBundle) => new Set(b.files.flatMap((f) => f.path.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/')))).size;
    const expected = (b: SiteBundle) => b.files.filter((f) => f.holdsSecret).length + folders(b) + 1 /* the site folder */ + 1 /* <out> */ + (b.separateKey ? 2 /* key file and <out> */ : 0);
    const durable = [bundle('hq'), bundle('branch', { redact: true })];
    await writeBundles(durable, { outDir: path.join(out, 'a'), force: false });
    expect(durable[0]?.files.filter((f) => f.holdsSecret).length).toBeGreaterThan(0);
    expect(fsync).toHaveBeenCalledTimes(expected(durable[0] as SiteBundle) + expected(durable[1] as SiteBundle));
    fsync.mockClear();
    await writeBundles([bundle('hq'), bundle('branch', { redact: true })], { outDir: path.join(out, 'b'), force: false, durable: false });
    expect(fsync).not.toHaveBeenCalled();
    expect(readFileSync(path.join(out, 'b', 'branch.key'), 'utf8')).toBe(`${KEY}\n`);
    expect(modeOf(path.join(out, 'b', 'branch.key'))).toBe(0o600);
  });

  it('a key file of an earlier redacted bundle goes when the site is rendered with its key', async () => {
    await writeBundles([bundle('hq', { redact: true }), bundle('branch', { redact: true })], { outDir: out, force: false, durable: false });
    expect(existsSync(path.join(out, 'hq.key'))).toBe(true);
    await writeBundles([bundle('hq'), bundle('new-site')], { outDir: out, force: false, durable: false });
    expect(existsSync(path.join(out, 'hq.key'))).toBe(false);
    // Not rendered this time: its key file stays with its bundle.
    expect(existsSync(path.join(out, 'branch.key'))).toBe(true);
  });

  it('the site folder appears whole: one rename puts the complete new folder in place (two over an old one), nothing else is renamed', async () => {
    const renames: Array<{ from: string; to: string; files: string[] }> = [];
    const real = nodeFs.renameSync;
    jest.spyOn(nodeFs, 'renameSync').mockImplementation((from, to) => {
      const f = String(from);
      renames.push({ from: path.basename(f), to: path.basename(String(to)), files: statSync(f).isDirectory() ? (readdirSync(f, { recursive: true }) as string[]).sort() : [] });
      real(from, to);
    });
    const b = bundle('hq');
    const expectedFiles = [...new Set(b.files.flatMap((f) => f.path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'))))].sort();
    await writeBundles([b], { outDir: out, force: false, durable: false });
    expect(renames).toHaveLength(1);
    expect(renames[0]?.from).toMatch(/^\.hq\.new-\d+-[0-9a-f]{12}$/);
    expect(renames[0]?.to).toBe('hq');
    expect(renames[0]?.files).toEqual(expectedFiles);
    renames.length = 0;
    await writeBundles([bundle('hq', { key: OTHER_KEY })], { outDir: out, force: false, durable: false });
    expect(renames.map((r) => r.to)).toEqual([expect.stringMatching(/^\.hq\.old-\d+-[0-9a-f]{12}$/), 'hq']);
    expect(renames[1]?.files).toEqual(expectedFiles);
    expect(readdirSync(out)).toEqual(['hq']);
  });

  it('keeps the files a user added to a site folder, and drops the ones tunnelsmith no longer produces', async () => {
    await writeBundles([bundle('hq')], { outDir: out, force: false, durable: false });
    writeFileSync(path.join(out, 'hq', 'notes.txt'), 'my notes\n');
    nodeFs.mkdirSync(path.join(out, 'hq', 'mine'));
    writeFileSync(path.join(out, 'hq', 'mine', 'a.txt'), 'a\n');
    writeFileSync(path.join(out, 'hq', 'cisco-ios', 'extra.txt'), 'beside the config\n');
    nodeFs.symlinkSync('/etc/hostname', path.join(out, 'hq', 'my-link'));
    const b = bundle('hq', { key: OTHER_KEY });
    const fewer = { ...b, files: b.files.filter((f) => !f.path.startsWith('strongswan/')) };
    const [w] = await writeBundles([fewer], { outDir: out, force: false, durable: false });
    expect(readFileSync(path.join(out, 'hq', 'notes.txt'), 'utf8')).toBe('my notes\n');
    expect(readFileSync(path.join(out, 'hq', 'mine', 'a.txt'), 'utf8')).toBe('a\n');
    expect(readFileSync(path.join(out, 'hq', 'cisco-ios', 'extra.txt'), 'utf8')).toBe('beside the config\n');
    expect(nodeFs.readlinkSync(path.join(out, 'hq', 'my-link'))).toBe('/etc/hostname');
    expect(existsSync(path.join(out, 'hq', 'strongswan'))).toBe(false);
    expect(w?.removedStale.sort()).toEqual(b.files.filter((f) => f.path.startsWith('strongswan/')).map((f) => f.path).sort());
  });

  it(`writes ${SITES_AT_ONCE} sites at a time and reports them in the order given`, async () => {
    const names = Array.from({ length: SITES_AT_ONCE * 2 + 3 }, (_, i) => `site-${String(i).padStart(2, '0')}`).reverse();
    // Hold every site at its first step until the pool is seen full: exactly SITES_AT_ONCE get there.
    const realWriteNewFiles = atomicWrite.writeNewFiles;
    let started = 0;
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    jest.spyOn(atomicWrite, 'writeNewFiles').mockImplementation(async (entries) => {
      started++;
      await gate;
      await realWriteNewFiles(entries);
    });
    const writing = writeBundles(names.map((n) => bundle(n)), { outDir: out, force: false, durable: false });
    for (let waited = 0; started < SITES_AT_ONCE && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 20));
    expect(started).toBe(SITES_AT_ONCE);
    release();
    const written = await writing;
    expect(started).toBe(names.length);
    expect(written.map((w) => w.site)).toEqual(names);
    expect(written.map((w) => w.dir)).toEqual(names.map((n) => path.join(out, n)));
    for (const n of names) expect(readFileSync(path.join(out, n, 'SHA256SUMS'), 'utf8')).toContain('manifest.json');
  });

  it('stops starting sites after one fails, throws its error, and leaves no new folder or temporary file', async () => {
    const names = Array.from({ length: SITES_AT_ONCE * 3 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    const realWriteNewFiles = atomicWrite.writeNewFiles;
    // The other sites of the first batch write only once s02 has failed, so on a busy machine no site
    // can finish (and free a slot for a ninth) before the failure is known.
    let failed!: () => void;
    const failure = new Promise<void>((resolve) => (failed = resolve));
    jest.spyOn(atomicWrite, 'writeNewFiles').mockImplementation(async (entries) => {
      if (entries.some((e) => e.file.includes('.s02.new-'))) {
        setImmediate(failed);
        throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
      }
      await failure;
      await realWriteNewFiles(entries);
    });
    const err = await writeBundles(names.map((n) => bundle(n)), { outDir: out, force: false, durable: false }).catch((e: unknown) => e);
    expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    const started = readdirSync(out);
    expect(started.length).toBeLessThan(SITES_AT_ONCE);
    expect(started.every((n) => names.indexOf(n) < SITES_AT_ONCE)).toBe(true);
    expect(allNames(out).filter((n) => n.endsWith('.tmp') || n.includes('.new-') || n.includes('.old-'))).toEqual([]);
  });

  it('a file where a site folder goes stops every site before anything is written', async () => {
    writeFileSync(path.join(out, 'b'), 'a file where the site folder goes\n');
    const err = await writeBundles([bundle('a'), bundle('b')], { outDir: out, force: false, durable: false }).catch((e: unknown) => e);
    expect((err as InputError).code).toBe('NotAFolder');
    expect((err as InputError).problems.map((p) => p.path)).toEqual([path.join(out, 'b')]);
    expect(readdirSync(out)).toEqual(['b']);
  });

  it('carries a user\'s file by copy (and a link by a new link) where the file system refuses a hard link', async () => {
    await writeBundles([bundle('hq')], { outDir: out, force: false, durable: false });
    writeFileSync(path.join(out, 'hq', 'notes.txt'), 'mine\n');
    nodeFs.symlinkSync('../README.md', path.join(out, 'hq', 'readme-link'));
    jest.spyOn(nodeFs, 'linkSync').mockImplementation(() => {
      throw Object.assign(new Error('Operation not permitted'), { code: 'EPERM' });
    });
    await writeBundles([bundle('hq', { key: OTHER_KEY })], { outDir: out, force: false, durable: false });
    expect(readFileSync(path.join(out, 'hq', 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(nodeFs.readlinkSync(path.join(out, 'hq', 'readme-link'))).toBe('../README.md');
  });

  it('puts back what a killed run left: the old folder aside comes back, dead runs\' new folders go; a running process\'s are left alone', async () => {
    await writeBundles([bundle('hq')], { outDir: out, force: false, durable: false });
    const dead = 2 ** 22 + 12345; // above Linux's pid_max default
    writeFileSync(path.join(out, 'hq', 'notes.txt'), 'mine\n');
    nodeFs.renameSync(path.join(out, 'hq'), path.join(out, `.hq.old-${dead}-aaaaaaaaaaaa`));
    nodeFs.mkdirSync(path.join(out, `.hq.new-${dead}-bbbbbbbbbbbb`));
    nodeFs.mkdirSync(path.join(out, `.hq.new-${process.ppid}-cccccccccccc`));
    writeFileSync(path.join(out, '.hq.key.dddddddddddd0.tmp'), 'half a key');
    await writeBundles([bundle('hq', { key: OTHER_KEY })], { outDir: out, force: false, durable: false });
    expect(readdirSync(out).sort()).toEqual([`.hq.new-${process.ppid}-cccccccccccc`, 'hq']);
    expect(readFileSync(path.join(out, 'hq', 'cisco-ios', 'azure-vpn.cfg'), 'utf8')).toContain(OTHER_KEY);
    // The folder put back was the old one: the user's file in it is still there.
    expect(readFileSync(path.join(out, 'hq', 'notes.txt'), 'utf8')).toBe('mine\n');
  });
});

describe('swapIn of a site folder that was not in <out> when the run began', () => {
  const staging = () => {
    const dir = path.join(out, '.hq.new-1-0123456789ab');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'README.md'), 'new\n');
    return dir;
  };
  const dir = () => path.join(out, 'hq');
  const aside = () => path.join(out, '.hq.old-1-0123456789ab');

  it('renames it into place without looking first', () => {
    const from = staging();
    const looks = jest.spyOn(nodeFs, 'lstatSync');
    expect(swapIn(from, dir(), aside(), false)).toBe(false);
    expect(looks.mock.calls.filter((c) => String(c[0]) === dir())).toEqual([]);
    expect(readFileSync(path.join(dir(), 'README.md'), 'utf8')).toBe('new\n');
    expect(readdirSync(out)).toEqual(['hq']);
  });

  it('replaces an empty folder that appeared there since', () => {
    const from = staging();
    mkdirSync(dir());
    expect(swapIn(from, dir(), aside(), false)).toBe(false);
    expect(readdirSync(dir())).toEqual(['README.md']);
    expect(readdirSync(out)).toEqual(['hq']);
  });

  it('swaps as usual with whatever else appeared there since: a folder with files, a file, a link (moved aside, never followed)', () => {
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'ts-elsewhere-'));
    try {
      writeFileSync(path.join(elsewhere, 'theirs'), 'keep\n');
      const appeared: Array<[string, () => void, (p: string) => boolean]> = [
        ['a folder with a file', () => (mkdirSync(dir()), writeFileSync(path.join(dir(), 'mine'), 'x')), (p) => existsSync(path.join(p, 'mine'))],
        ['a file', () => writeFileSync(dir(), 'x'), (p) => lstatSync(p).isFile()],
        ['a link to a folder', () => symlinkSync(elsewhere, dir()), (p) => lstatSync(p).isSymbolicLink()],
      ];
      for (const [what, make, isIt] of appeared) {
        const from = staging();
        make();
        expect([what, swapIn(from, dir(), aside(), false)]).toEqual([what, true]);
        expect([what, readFileSync(path.join(dir(), 'README.md'), 'utf8')]).toEqual([what, 'new\n']);
        expect([what, isIt(aside())]).toEqual([what, true]);
        rmSync(dir(), { recursive: true });
        rmSync(aside(), { recursive: true });
      }
      expect(readFileSync(path.join(elsewhere, 'theirs'), 'utf8')).toBe('keep\n');
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

