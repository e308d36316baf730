/**
 * Writes site bundles to disk. A site folder becomes visible as a whole: its files are written into a new
 * sibling folder `<out>/.<site>.new-<pid>-<tag>`, flushed, and swapped in with two renames (the old
 * folder aside as `.<site>.old-<pid>-<tag>`, the new one into place); then the old one is removed. A
 * run killed anywhere leaves `<out>/<site>` as it was or as it is meant to be, or (between the two
 * renames) the old folder aside: the next run puts it back and removes every leftover before it looks
 * at anything, so running again converges.
 *
 * Nothing below `<out>` is trusted: a symbolic link where a folder or file of the bundle goes is refused
 * (never written, read, chmodded or removed through), and the paths a previous manifest lists are
 * checked against the paths tunnelsmith produces before any is read. `<out>` itself is the user's
 * choice: it is created when missing and otherwise left as it is (mode included). Files the user added
 * to a site folder are kept (hard-linked into the new folder). Secrets 0600 in 0700 folders, the key of
 * a redacted bundle beside the site folder, and no overwrite of a file edited by hand since the last
 * render (the previous manifest knows what was written) unless forced.
 */
import { randomBytes } from 'node:crypto';
import { constants, copyFileSync, linkSync, mkdirSync, promises as fs, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { InputError, type Problem } from '../errors';
import { sha256, type BundleFile, type Manifest } from '../bundle/manifest';
import { isDeviceId } from '../hub/deviceIds';
import { mapLimit } from '../util/async';
import { mkdirNew, syncDir, writeFileAtomic, writeNewFiles } from './atomicWrite';
import { linkRefused, lstatIfExists, readFileNoFollow, setDirModeNoFollow } from './noFollow';
import { readUmask } from './umask';

export interface SiteBundle {
  site: string;
  files: BundleFile[];
  /** With a redacted bundle: the key written to `<out>/<site>.key`. */
  separateKey?: string;
}

export interface WriteBundleOptions {
  outDir: string;
  force: boolean;
  /** Also write `<out>/<site>.tar.gz`: the site folder as written, never the separate key file. */
  archive?: boolean;
  /**
   * false: nothing is fsynced (benchmarks, throwaway output); the folder swap is still atomic against a
   * killed process. Default true: files holding the key and every folder of the new site folder are
   * flushed before the swap, `<out>` after it.
   */
  durable?: boolean;
}

export interface WrittenSite {
  site: string;
  dir: string;
  files: string[];
  keyFile?: string;
  /** With `archive`: the `<out>/<site>.tar.gz` written. */
  archive?: string;
  removedStale: string[];
}

/** How many sites are written at once (their files are created in parallel; see `writeFilesAtomic`). */
export const SITES_AT_ONCE = 8;

/** The files every bundle has at its top, beside the device folders. */
const TOP_FILES = new Set(['README.md', 'index.html', 'manifest.json', 'SHA256SUMS']);
const PATH_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/;

/**
 * Whether tunnelsmith can have written `p` in a site folder: a top file, or `<device id>/<name>` (at
 * most two folders deep, plain names: no `..`, no absolute path, no hidden name). Pure.
 */
export function isProducedPath(p: unknown): p is string {
  if (typeof p !== 'string') return false;
  if (TOP_FILES.has(p)) return true;
  const parts = p.split('/');
  return parts.length >= 2 && parts.length <= 3 && isDeviceId(parts[0]) && parts.slice(1).every((s) => PATH_SEGMENT.test(s));
}

/**
 * Puts back what a killed run left, then checks every site (links, a tampered manifest, hand edits)
 * before writing any; nothing is written when a check fails. Up to {@link SITES_AT_ONCE} sites are
 * written at once. When a site fails, no further site is started, the ones under way finish, and the
 * first error is thrown.
 */
export async function writeBundles(bundles: SiteBundle[], opts: WriteBundleOptions): Promise<WrittenSite[]> {
  if (bundles.length === 0) return [];
  const outExists = lstatIfExists(opts.outDir) !== undefined;
  // What <out> holds, listed once: a site folder or key file not there is not looked at again.
  let present = new Set<string>();
  if (outExists) {
    // A leftover of a killed run is a hidden name, rare among the sites.
    const hidden = readdirSync(opts.outDir).filter((n) => n.startsWith('.'));
    const sites = new Set(bundles.map((b) => b.site));
    const touched = new Set(hidden.map((n) => /^\.([a-z0-9-]+)\./.exec(n)?.[1]).filter((x): x is string => x !== undefined && sites.has(x)));
    for (const site of touched) recoverSite(opts.outDir, site, hidden);
    present = new Set(readdirSync(opts.outDir));
  }
  const hard: Problem[] = [];
  const soft: Problem[] = [];
  const previous = new Map<string, Manifest | undefined>();
  for (const b of bundles) {
    const checked = present.has(b.site) ? checkSite(opts.outDir, b, opts.force) : { hard: [], soft: [], manifest: undefined };
    hard.push(...checked.hard);
    soft.push(...checked.soft);
    previous.set(b.site, checked.manifest);
  }
  if (hard.length > 0) {
    const links = hard.some((p) => p.message.includes('symbolic link'));
    throw new InputError(
      links ? 'LinkRefused' : 'NotAFolder',
      `${links ? 'a symbolic link' : 'something else'} is where the bundle goes; nothing was written`,
      hard,
      'remove the listed links (or move the listed entries away), then run again',
    );
  }
  if (soft.length > 0) {
    throw new InputError('HandEdited', 'some files were edited by hand since tunnelsmith wrote them; nothing was written', soft, 'keep your edits elsewhere, or run again with --force to overwrite them');
  }
  // <out> is the user's folder: created when missing, never re-moded or followed into below.
  if (!outExists) {
    await fs.mkdir(opts.outDir, { recursive: true, mode: 0o755 });
    setDirModeNoFollow(opts.outDir, 0o755);
  }
  const tag = randomBytes(6).toString('hex');
  const umask = readUmask();
  return mapLimit(bundles, SITES_AT_ONCE, (b) => writeSite(b, previous.get(b.site), opts, { tag, umask, present }), { stopOnFailure: true });
}

/** Checks one site's folder before anything is written. `hard` problems are never overridden by --force. */
function checkSite(outDir: string, b: SiteBundle, force: boolean): { hard: Problem[]; soft: Problem[]; manifest?: Manifest } {
  const dir = path.join(outDir, b.site);
  const hard: Problem[] = [];
  const soft: Problem[] = [];
  const st = lstatIfExists(dir);
  if (st?.isSymbolicLink()) return { hard: [linkProblem(dir)], soft };
  if (st && !st.isDirectory()) return { hard: [{ path: dir, severity: 'error', message: 'is not a folder: the site folder goes there', fix: `move it away (mv ${dir} ${dir}.bak)` }], soft };
  if (!st) return { hard, soft };
  // Every folder and file this bundle writes: none may be a link (it would be dropped with the old
  // folder, but a link is never what tunnelsmith left there). Each path is looked at once: the checks
  // of the previous manifest's paths below reuse what was seen here.
  const isLink = new Map<string, boolean>();
  const linkAt = (rel: string): boolean => {
    let link = isLink.get(rel);
    if (link === undefined) {
      link = lstatIfExists(path.join(dir, rel))?.isSymbolicLink() === true;
      isLink.set(rel, link);
    }
    return link;
  };
  for (const f of b.files) {
    const parts = f.path.split('/');
    for (let n = 1; n <= parts.length; n++) {
      const rel = parts.slice(0, n).join('/');
      if (isLink.has(rel)) continue;
      if (linkAt(rel)) hard.push(linkProblem(path.join(dir, rel)));
    }
  }
  if (hard.length > 0) return { hard, soft };
  const manifest = readManifestIn(dir);
  if (!manifest) return { hard, soft };
  const manifestFile = path.join(dir, 'manifest.json');
  for (const entry of manifest.files) {
    if (!isProducedPath(entry.path)) {
      // Never read, never removed: the manifest was not written by tunnelsmith.
      if (!force) {
        soft.push({ path: manifestFile, severity: 'error', message: `lists ${shownPath(entry.path)}, a path tunnelsmith never writes: this manifest was not written by it`, fix: 'remove the site folder (or restore its manifest); --force replaces the manifest and leaves that path alone' });
      }
      continue;
    }
    if (force) continue;
    const file = path.join(dir, entry.path);
    if (linkOnTheWay(entry.path, linkAt)) {
      soft.push({ path: file, severity: 'error', message: 'is now a symbolic link (tunnelsmith wrote a file there)', fix: 'remove the link, or use --force' });
      continue;
    }
    let current: Buffer | undefined;
    try {
      current = readFileNoFollow(file);
    } catch {
      soft.push({ path: file, severity: 'error', message: 'is no longer a file tunnelsmith can read', fix: 'move it away, or use --force' });
      continue;
    }
    if (current === undefined) continue;
    if (sha256(current.toString('utf8')) !== entry.sha256) {
      soft.push({ path: file, severity: 'error', message: 'changed since tunnelsmith wrote it', fix: 'move your edits out of the bundle, or use --force' });
    }
  }
  return { hard, soft, manifest };
}

function linkProblem(p: string): Problem {
  return { path: p, severity: 'error', message: 'is a symbolic link; tunnelsmith never writes through a link inside the output folder', fix: `remove the link (rm ${p}) and run again` };
}

/** A path from a file, for a message: quoted, control characters escaped, clipped. */
function shownPath(p: unknown): string {
  const s = JSON.stringify(typeof p === 'string' ? p : String(p));
  return s.length > 80 ? `${s.slice(0, 77)}..."` : s;
}

/** True when a folder on the way to `rel` (or `rel` itself) is a symbolic link, as `linkAt` says. */
function linkOnTheWay(rel: string, linkAt: (rel: string) => boolean): boolean {
  const parts = rel.split('/');
  for (let n = 1; n <= parts.length; n++) {
    if (linkAt(parts.slice(0, n).join('/'))) return true;
  }
  return false;
}

/** What every site of one run shares: its tag for new names, the umask, what <out> held at the start. */
interface RunState {
  tag: string;
  umask: number | null;
  present: ReadonlySet<string>;
}

async function writeSite(b: SiteBundle, previous: Manifest | undefined, opts: WriteBundleOptions, run: RunState): Promise<WrittenSite> {
  const { tag, umask } = run;
  const dir = path.join(opts.outDir, b.site);
  const wasThere = run.present.has(b.site);
  const durable = opts.durable !== false;
  const secret = b.files.some((f) => f.holdsSecret);
  const dirMode = secret ? 0o700 : 0o755;
  const staging = path.join(opts.outDir, `.${b.site}.new-${process.pid}-${tag}`);
  // New folders: mkdir fails when anything (a link included) is there already.
  await mkdirNew(staging, dirMode, umask);
  try {
    const folders = subfolders(b.files);
    for (const level of folders) {
      await Promise.all(level.map((d) => mkdirNew(path.join(staging, d), dirMode, umask)));
    }
    await writeNewFiles(writeOrder(b.files).map((f) => ({ file: path.join(staging, f.path), content: f.content, mode: f.mode, durable: f.holdsSecret && durable })), umask);
    if (wasThere && lstatIfExists(dir)) carryOverUserFiles(dir, staging, previous, new Set(b.files.map((f) => f.path)));
    if (durable) await Promise.all([...folders.flat().map((d) => syncDir(path.join(staging, d))), syncDir(staging)]);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  const aside = path.join(opts.outDir, `.${b.site}.old-${process.pid}-${tag}`);
  const replaced = swapIn(staging, dir, aside, wasThere);
  if (durable) await syncDir(opts.outDir);
  // The old folder goes on the thread pool: removing a few thousand files inline held the event loop
  // (and every other site's writes) for about a millisecond a site. Its name is one of ours, a folder
  // renamed there just now: rm removes a link inside it, never what the link points to.
  if (replaced) await fs.rm(aside, { recursive: true, force: true });

  const produced = new Set(b.files.map((f) => f.path));
  const removedStale = previous ? previous.files.map((e) => e.path).filter((p) => isProducedPath(p) && !produced.has(p)) : [];
  const keyPath = path.join(opts.outDir, `${b.site}.key`);
  let keyFile: string | undefined;
  if (b.separateKey !== undefined) {
    keyFile = keyPath;
    await writeFileAtomic(keyFile, `${b.separateKey}\n`, { mode: 0o600, durable });
  } else {
    // A key file of an earlier redacted bundle would hand out a key this bundle does not carry.
    const st = run.present.has(`${b.site}.key`) ? lstatIfExists(keyPath) : undefined;
    if (st && !st.isDirectory()) rmSync(keyPath, { force: true });
  }
  let archive: string | undefined;
  if (opts.archive) {
    const { writeSiteArchive } = await import('./writeArchive');
    archive = await writeSiteArchive(opts.outDir, b.site, { holdsSecret: secret });
  }
  return { site: b.site, dir, files: b.files.map((f) => f.path), removedStale, ...(keyFile ? { keyFile } : {}), ...(archive ? { archive } : {}) };
}

/** The folders below the site folder that the files need, parents first, grouped by depth. */
function subfolders(files: readonly BundleFile[]): string[][] {
  const all = new Set<string>();
  for (const f of files) {
    const parts = f.path.split('/');
    for (let n = 1; n < parts.length; n++) all.add(parts.slice(0, n).join('/'));
  }
  const levels: string[][] = [];
  for (const d of [...all].sort()) (levels[d.split('/').length - 1] ??= []).push(d);
  return levels.filter(Boolean);
}

/**
 * `staging` becomes `dir`: with an old `dir`, it is first renamed aside to `aside` (Linux offers no
 * exchange of two names through Node), then the new one is renamed into place. A failure of the second
 * rename puts the old folder back. True when an old folder is now at `aside`.
 *
 * When `<out>` had no `dir` as the run began (`wasThere` false), `staging` is renamed into place at
 * once, without looking first: a look-up there waits for the other sites' folders being created in
 * `<out>` (87 ms of a 1,000-site run's profile). Whatever appeared at `dir` since makes that rename fail
 * (a folder with files: ENOTEMPTY or EEXIST; a file or a link: ENOTDIR), and the swap takes over as
 * if it had looked; an empty folder is replaced, which is where the swap would leave it too.
 */
export function swapIn(staging: string, dir: string, aside: string, wasThere: boolean): boolean {
  if (!wasThere) {
    try {
      renameSync(staging, dir);
      return false;
    } catch (e) {
      if (!['ENOTEMPTY', 'EEXIST', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
    }
  }
  if (!lstatIfExists(dir)) {
    renameSync(staging, dir);
    return false;
  }
  renameSync(dir, aside);
  try {
    renameSync(staging, dir);
  } catch (e) {
    renameSync(aside, dir);
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  return true;
}

/** Temporary files an earlier (per-file) writer could leave in a site folder. */
const OLD_TEMP = /^\..+\.[0-9a-f]{12}\d+\.tmp$/;

/**
 * Files the user put into the old site folder (not listed in its manifest, not produced now) are
 * hard-linked into the new folder, so the swap loses none of them. Links are linked as links, never
 * followed.
 */
function carryOverUserFiles(oldDir: string, newDir: string, previous: Manifest | undefined, produced: Set<string>): void {
  const tool = new Set(['manifest.json', 'SHA256SUMS', ...(previous ? previous.files.map((e) => e.path).filter(isProducedPath) : [])]);
  const walk = (rel: string) => {
    for (const ent of readdirSync(path.join(oldDir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isDirectory()) {
        walk(r);
        continue;
      }
      if (tool.has(r) || produced.has(r) || OLD_TEMP.test(ent.name)) continue;
      const target = path.join(newDir, r);
      if (lstatIfExists(target)) continue;
      ensureParents(oldDir, newDir, r);
      carryOne(path.join(oldDir, r), target, ent.isSymbolicLink());
    }
  };
  walk('');
}

/**
 * A hard link keeps the file as it is (and costs no copy); where the file system refuses one (another
 * owner's file under protected_hardlinks, another mount), a copy, or for a link a new link to the same
 * target.
 */
function carryOne(from: string, to: string, isLink: boolean): void {
  try {
    linkSync(from, to);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'EXDEV' && code !== 'EMLINK') throw e;
    if (isLink) symlinkSync(readlinkSync(from), to);
    else copyFileSync(from, to, constants.COPYFILE_EXCL);
  }
}

/** The folders on the way to `rel` in `newDir`, created with the old folders' modes when missing. */
function ensureParents(oldDir: string, newDir: string, rel: string): void {
  const parts = rel.split('/');
  for (let n = 1; n < parts.length; n++) {
    const sub = parts.slice(0, n).join('/');
    const target = path.join(newDir, sub);
    const st = lstatIfExists(target);
    if (st) {
      if (!st.isDirectory()) throw new InputError('CarryOverConflict', `${path.join(oldDir, sub)} is a folder of yours where the new bundle has a file`, [], 'move that folder out of the bundle, then run again');
      continue;
    }
    const mode = (lstatIfExists(path.join(oldDir, sub))?.mode ?? 0o755) & 0o777;
    mkdirSync(target, { mode });
    setDirModeNoFollow(target, mode);
  }
}

/**
 * What a killed run leaves in `<out>` for one site, put right: with no site folder, the folder moved
 * aside comes back (the kill fell between the two renames of the swap); every other new or old folder
 * and temporary file of that site is removed. Folders of a process still running are left alone.
 */
export function recoverSite(outDir: string, site: string, names: readonly string[] = readdirSync(outDir)): void {
  const mine = new RegExp(`^\\.${site}\\.(new|old)-(\\d+)-[0-9a-f]{12}$`);
  const temps = new RegExp(`^\\.${site}\\.(key|tar\\.gz)\\.[0-9a-f]{12}\\d*\\.tmp$`);
  const leftovers = names
    .map((n) => ({ name: n, m: mine.exec(n) }))
    .filter((x): x is { name: string; m: RegExpExecArray } => x.m !== null && !isRunning(Number(x.m[2])));
  const dir = path.join(outDir, site);
  if (!lstatIfExists(dir)) {
    const aside = leftovers.find((x) => x.m[1] === 'old' && lstatIfExists(path.join(outDir, x.name))?.isDirectory());
    if (aside) renameSync(path.join(outDir, aside.name), dir);
  }
  for (const x of leftovers) rmSync(path.join(outDir, x.name), { recursive: true, force: true });
  for (const n of names) if (temps.test(n)) rmSync(path.join(outDir, n), { force: true });
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The manifest names the files written before it, and SHA256SUMS comes last. */
function writeOrder(files: BundleFile[]): BundleFile[] {
  const last = (f: BundleFile) => (f.path === 'manifest.json' ? 1 : f.path === 'SHA256SUMS' ? 2 : 0);
  return [...files].sort((a, b) => last(a) - last(b));
}

/** The manifest of a site folder (undefined when there is none or it is not one); a link is refused. */
export async function readManifest(siteDir: string): Promise<Manifest | undefined> {
  if (lstatIfExists(siteDir)?.isSymbolicLink()) throw linkRefused(siteDir);
  return readManifestIn(siteDir);
}

function readManifestIn(siteDir: string): Manifest | undefined {
  let buf: Buffer | undefined;
  try {
    buf = readFileNoFollow(path.join(siteDir, 'manifest.json'), { maxBytes: 16 * 1024 * 1024 });
  } catch (e) {
    if (e instanceof InputError) throw e;
    return undefined;
  }
  if (buf === undefined) return undefined;
  try {
    const m = JSON.parse(buf.toString('utf8')) as Manifest;
    return Array.isArray(m.files) && m.files.every((f) => typeof f === 'object' && f !== null) ? m : undefined;
  } catch {
    return undefined;
  }
}
