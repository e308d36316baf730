/** The bundle on disk: modes, redaction, archives, hand-edit protection. Uses the real writer. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSiteBundle } from '../../src/bundle/build';
import { writeSiteArchive } from '../../src/io/writeArchive';
import { InputError } from '../../src/errors';
import { REDACTED_KEY_PLACEHOLDER } from '../../src/render/context';
import { templateEngine } from '../../src/render/engine';
import { writeBundles, type SiteBundle } from '../../src/io/writeBundle';
import { FAKE_DEVICES, KEY, sitePlan } from '../bundle/helpers/plan';

let out: string;
beforeEach(() => {
  out = mkdtempSync(path.join(os.tmpdir(), 'ts-bundle-'));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

function bundle(redact: boolean, key = KEY): SiteBundle {
  const files = buildSiteBundle(sitePlan(redact ? REDACTED_KEY_PLACEHOLDER : key), { toolVersion: '1.0.0', hubDigest: 'a'.repeat(64), redacted: redact }, templateEngine, FAKE_DEVICES);
  return { site: 'hq', files, ...(redact ? { separateKey: key } : {}) };
}

function tree(dir: string): Map<string, { mode: number; content: string }> {
  const out = new Map<string, { mode: number; content: string }>();
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out.set(`${r}/`, { mode: statSync(p).mode & 0o777, content: '' });
        walk(p, r);
      } else out.set(r, { mode: statSync(p).mode & 0o777, content: readFileSync(p, 'utf8') });
    }
  };
  walk(dir, '');
  return out;
}

function grepTree(dir: string, needle: string): string[] {
  return [...tree(dir)].filter(([, f]) => f.content.includes(needle)).map(([p]) => p);
}

describe('bundle on disk', () => {
  it('files holding the key are 0600 inside 0700 folders; scripts 0755; SHA256SUMS matches', async () => {
    await writeBundles([bundle(false)], { outDir: out, force: false });
    const t = tree(path.join(out, 'hq'));
    expect(t.get('cisco-ios/azure-vpn.cfg')?.mode).toBe(0o600);
    expect(t.get('strongswan/swanctl.conf')?.mode).toBe(0o600);
    expect(t.get('strongswan/tunnel-setup.sh')?.mode).toBe(0o755);
    expect(t.get('cisco-ios/')?.mode).toBe(0o700);
    expect(statSync(path.join(out, 'hq')).mode & 0o777).toBe(0o700);
    expect(grepTree(path.join(out, 'hq'), KEY).sort()).toEqual(['cisco-ios/azure-vpn.cfg', 'index.html', 'strongswan/swanctl.conf']);
    expect(t.get('index.html')?.mode).toBe(0o600);
    const { createHash } = await import('node:crypto');
    for (const line of (t.get('SHA256SUMS')?.content as string).trim().split('\n')) {
      const [sum, file] = line.split('  ');
      expect(createHash('sha256').update(readFileSync(path.join(out, 'hq', file as string))).digest('hex')).toBe(sum);
    }
  });

  it('--redact: no key anywhere in the site folder, the key alone in <out>/<site>.key (0600)', async () => {
    await writeBundles([bundle(true)], { outDir: out, force: false });
    expect(grepTree(path.join(out, 'hq'), KEY)).toEqual([]);
    expect(grepTree(path.join(out, 'hq'), REDACTED_KEY_PLACEHOLDER).sort()).toEqual(['README.md', 'cisco-ios/azure-vpn.cfg', 'index.html', 'strongswan/swanctl.conf']);
    expect(readFileSync(path.join(out, 'hq.key'), 'utf8')).toBe(`${KEY}\n`);
    expect(statSync(path.join(out, 'hq.key')).mode & 0o777).toBe(0o600);
  });

  it('--archive: <out>/<site>.tar.gz extracts to the same tree (modes too), never with the key file', async () => {
    await writeBundles([bundle(true)], { outDir: out, force: false });
    const archive = await writeSiteArchive(out, 'hq', { holdsSecret: false });
    expect(archive).toBe(path.join(out, 'hq.tar.gz'));
    const tar = await import('tar');
    const listed: string[] = [];
    await tar.t({ file: archive, onReadEntry: (e) => void listed.push(e.path) });
    expect(listed.every((p) => p === 'hq/' || p.startsWith('hq/'))).toBe(true);
    expect(listed).not.toContain('hq.key');
    const dest = mkdtempSync(path.join(os.tmpdir(), 'ts-extract-'));
    try {
      await tar.x({ file: archive, cwd: dest });
      expect(tree(path.join(dest, 'hq'))).toEqual(tree(path.join(out, 'hq')));
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  });

  it('an archive of a folder holding the key is itself 0600', async () => {
    await writeBundles([bundle(false)], { outDir: out, force: false });
    const archive = await writeSiteArchive(out, 'hq', { holdsSecret: true });
    expect(statSync(archive).mode & 0o777).toBe(0o600);
    expect(readdirSync(out).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a file edited by hand is not overwritten without --force; with --force it is', async () => {
    await writeBundles([bundle(false)], { outDir: out, force: false });
    const cfg = path.join(out, 'hq', 'cisco-ios', 'azure-vpn.cfg');
    writeFileSync(cfg, 'hand edit\n');
    const next = bundle(false, 'AnotherKey000000000000000000000000000000000000000');
    const err = await writeBundles([next], { outDir: out, force: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).problems.map((p) => p.path)).toEqual([cfg]);
    expect(readFileSync(cfg, 'utf8')).toBe('hand edit\n');
    // Nothing else was written either.
    expect(readFileSync(path.join(out, 'hq', 'strongswan', 'swanctl.conf'), 'utf8')).toContain(KEY);
    await writeBundles([next], { outDir: out, force: true });
    expect(readFileSync(cfg, 'utf8')).toContain('AnotherKey');
  });
});
