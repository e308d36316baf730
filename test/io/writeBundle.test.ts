/** writeBundles across several sites: every site checked before any write, folders, modes, fsync, re-render. */
import nodeFs from 'node:fs';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSiteBundle } from '../../src/bundle/build';
import * as atomicWrite from '../../src/io/atomicWrite';
import { InputError } from '../../src/errors';
import { REDACTED_KEY_PLACEHOLDER } from '../../src/render/context';
import { templateEngine } from '../../src/render/engine';
import { SITES_AT_ONCE, writeBundles, type SiteBundle } from '../../src/io/writeBundle';
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
  it('writes every site with its files, exact modes under a strict umask, and no temporary file', async () => {
    process.umask(0o077);
    const sites = ['hq', 'branch1', 'branch2'].map((s) => bundle(s));
    const written = await writeBundles(sites, { outDir: path.join(out, 'fresh'), force: false, durable: false });
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

  it('renders again over its own output, forcing folder modes (a site that now holds the key becomes 0700)', async () => {
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
    expect(modeOf(out)).toBe(0o755);
    expect(readFileSync(path.join(out, 'hq', 'cisco-ios', 'azure-vpn.cfg'), 'utf8')).toContain(KEY);
    expect(JSON.parse(readFileSync(path.join(out, 'hq', 'manifest.json'), 'utf8')).redacted).toBe(false);
  });

  it('fsyncs exactly the files holding the key (and the separate key file) unless durable is false', async () => {
    const fsync = jest.spyOn(nodeFs, 'fsync');
    const secret = (b: SiteBundle) => b.files.filter((f) => f.holdsSecret).length;
    const durable = [bundle('hq'), bundle('branch', { redact: true })];
    await writeBundles(durable, { outDir: path.join(out, 'a'), force: false });
    expect(secret(durable[0] as SiteBundle)).toBeGreaterThan(0);
    expect(fsync).toHaveBeenCalledTimes(secret(durable[0] as SiteBundle) + secret(durable[1] as SiteBundle) + 1);
    fsync.mockClear();
    await writeBundles([bundle('hq'), bundle('branch', { redact: true })], { outDir: path.join(out, 'b'), force: false, durable: false });
    expect(fsync).not.toHaveBeenCalled();
    expect(readFileSync(path.join(out, 'b', 'branch.key'), 'utf8')).toBe(`${KEY}\n`);
    expect(modeOf(path.join(out, 'b', 'branch.key'))).toBe(0o600);
  });

  it('writes the manifest after the files it lists, and SHA256SUMS last', async () => {
    const renames: string[] = [];
    const real = nodeFs.renameSync;
    jest.spyOn(nodeFs, 'renameSync').mockImplementation((from, to) => {
      renames.push(path.basename(String(to)));
      real(from, to);
    });
    const b = bundle('hq');
    await writeBundles([b], { outDir: out, force: false, durable: false });
    expect(renames).toHaveLength(b.files.length);
    expect(renames.slice(-2)).toEqual(['manifest.json', 'SHA256SUMS']);
  });

  it(`writes ${SITES_AT_ONCE} sites at a time and reports them in the order given`, async () => {
    const names = Array.from({ length: SITES_AT_ONCE * 2 + 3 }, (_, i) => `site-${String(i).padStart(2, '0')}`).reverse();
    // Hold every site at its first step until the pool is seen full: exactly SITES_AT_ONCE get there.
    const realEnsureDirs = atomicWrite.ensureDirs;
    let started = 0;
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    jest.spyOn(atomicWrite, 'ensureDirs').mockImplementation(async (dirs, mode) => {
      started++;
      await gate;
      await realEnsureDirs(dirs, mode);
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

  it('stops starting sites after one fails, throws its error, and leaves no temporary file', async () => {
    const names = Array.from({ length: SITES_AT_ONCE * 3 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    writeFileSync(path.join(out, 's02'), 'a file where the site folder goes\n');
    const err = await writeBundles(names.map((n) => bundle(n)), { outDir: out, force: false, durable: false }).catch((e: unknown) => e);
    expect((err as NodeJS.ErrnoException).code).toMatch(/^(EEXIST|ENOTDIR)$/);
    const started = readdirSync(out).filter((n) => n !== 's02');
    expect(started.length).toBeLessThan(SITES_AT_ONCE);
    expect(started.every((n) => names.indexOf(n) < SITES_AT_ONCE)).toBe(true);
    expect(allNames(out).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
