/**
 * Writes site bundles to disk: atomic files with their modes, secrets 0600 in 0700 folders, the key of a
 * redacted bundle beside the site folder, and no overwrite of a file edited by hand since the last
 * render (the previous manifest knows what was written) unless forced.
 */
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { DEVICES } from '../devices/registry';
import { InputError, type Problem } from '../errors';
import { sha256, type BundleFile, type Manifest } from '../bundle/build';
import { ensureDir, ensureDirs, writeFileAtomic, writeFilesAtomic } from './atomicWrite';

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
   * false: secret files are still written atomically (temporary file + rename, mode 0600) but not
   * fsynced one by one (benchmarks, throwaway output). Default true.
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

/**
 * Checks every site first (hand edits), then writes; nothing is written when any check fails. Up to
 * {@link SITES_AT_ONCE} sites are written at once. Each site's folders are created once, then its files
 * are written as one batch: the device files and README first, then manifest.json, then SHA256SUMS.
 * When a site fails, no further site is started, the ones under way finish, and the first error is thrown.
 */
export async function writeBundles(bundles: SiteBundle[], opts: WriteBundleOptions): Promise<WrittenSite[]> {
  const problems: Problem[] = [];
  const previous = new Map<string, Manifest | undefined>();
  for (const b of bundles) {
    const dir = path.join(opts.outDir, b.site);
    const manifest = readManifestSync(dir);
    previous.set(b.site, manifest);
    if (!opts.force) problems.push(...findHandEdits(dir, manifest));
  }
  if (problems.length > 0) {
    throw new InputError('HandEdited', 'some files were edited by hand since tunnelsmith wrote them; nothing was written', problems, 'keep your edits elsewhere, or run again with --force to overwrite them');
  }
  if (bundles.length > 0) await ensureDir(opts.outDir, 0o755);
  return mapAtMost(bundles, SITES_AT_ONCE, (b) => writeSite(b, previous.get(b.site), opts));
}

async function writeSite(b: SiteBundle, previous: Manifest | undefined, opts: WriteBundleOptions): Promise<WrittenSite> {
  const dir = path.join(opts.outDir, b.site);
  const secret = b.files.some((f) => f.holdsSecret);
  await ensureDirs(new Set([dir, ...b.files.map((f) => path.dirname(path.join(dir, f.path)))]), secret ? 0o700 : 0o755);
  await writeFilesAtomic(writeOrder(b.files).map((f) => ({ file: path.join(dir, f.path), content: f.content, mode: f.mode, durable: f.holdsSecret && opts.durable !== false })));
  const removedStale = await removeStale(dir, previous, new Set(b.files.map((f) => f.path)));
  let keyFile: string | undefined;
  if (b.separateKey !== undefined) {
    keyFile = path.join(opts.outDir, `${b.site}.key`);
    await writeFileAtomic(keyFile, `${b.separateKey}\n`, { mode: 0o600, durable: opts.durable !== false });
  }
  let archive: string | undefined;
  if (opts.archive) {
    const { writeSiteArchive } = await import('./writeArchive');
    archive = await writeSiteArchive(opts.outDir, b.site, { holdsSecret: secret });
  }
  return { site: b.site, dir, files: b.files.map((f) => f.path), removedStale, ...(keyFile ? { keyFile } : {}), ...(archive ? { archive } : {}) };
}

/**
 * `fn` over `items`, at most `limit` at a time; results in the order of `items`. After a failure no new
 * item starts; the ones under way finish, then the first error is thrown.
 */
async function mapAtMost<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}

/** The manifest names the files written before it, and SHA256SUMS comes last. */
function writeOrder(files: BundleFile[]): BundleFile[] {
  const last = (f: BundleFile) => (f.path === 'manifest.json' ? 1 : f.path === 'SHA256SUMS' ? 2 : 0);
  return [...files].sort((a, b) => last(a) - last(b));
}

export async function readManifest(siteDir: string): Promise<Manifest | undefined> {
  return readManifestSync(siteDir);
}

function readManifestSync(siteDir: string): Manifest | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(siteDir, 'manifest.json'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const m = JSON.parse(text) as Manifest;
    return Array.isArray(m.files) ? m : undefined;
  } catch {
    return undefined;
  }
}

function findHandEdits(dir: string, manifest: Manifest | undefined): Problem[] {
  if (!manifest) return [];
  const problems: Problem[] = [];
  for (const entry of manifest.files) {
    const file = path.join(dir, entry.path);
    let current: string;
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    if (sha256(current) !== entry.sha256) {
      problems.push({ path: file, severity: 'error', message: 'changed since tunnelsmith wrote it', fix: 'move your edits out of the bundle, or use --force' });
    }
  }
  return problems;
}

/** Removes files an earlier render wrote that this one no longer produces (unchanged ones only). */
async function removeStale(dir: string, manifest: Manifest | undefined, keep: Set<string>): Promise<string[]> {
  if (!manifest) return [];
  const removed: string[] = [];
  for (const entry of manifest.files) {
    if (keep.has(entry.path)) continue;
    await fs.rm(path.join(dir, entry.path), { force: true });
    removed.push(entry.path);
  }
  return removed;
}

/** Everything `render` needs to write bundles. */
export interface RenderBundleRequest {
  hub: import('../hub/types').Hub;
  /** sha256 of the hub file's bytes. */
  hubDigest: string;
  facts: import('../facts/types').AzureFacts;
  keys: Readonly<Record<string, string | undefined>>;
  outDir: string;
  device: import('../render/plan').DeviceSelection;
  site?: string;
  redact?: boolean;
  force?: boolean;
  /** Also write one `<out>/<site>.tar.gz` per site. */
  archive?: boolean;
}

/** Renders every requested pair in memory (all problems at once, nothing written on failure), then writes. */
export async function renderAndWriteBundle(req: RenderBundleRequest): Promise<WrittenSite[]> {
  const { planRender } = await import('../render/plan');
  const { buildSiteBundle } = await import('../bundle/build');
  const { TOOL_VERSION } = await import('../version');
  const redact = req.redact ?? false;
  const plan = planRender({ hub: req.hub, facts: req.facts, device: req.device, ...(req.site ? { site: req.site } : {}), keys: req.keys, redact }, DEVICES);
  if (!plan.ok) {
    throw new InputError('RenderRefused', 'nothing was written: some requested (site, device) pairs cannot be rendered', plan.problems, 'fix the listed fields, or choose another --device');
  }
  const bundles: SiteBundle[] = plan.sites.map((s) => {
    const key = req.keys[s.site];
    return {
      site: s.site,
      files: buildSiteBundle(s, { toolVersion: TOOL_VERSION, hubDigest: req.hubDigest, redacted: redact }),
      ...(redact && key !== undefined ? { separateKey: key } : {}),
    };
  });
  return writeBundles(bundles, { outDir: req.outDir, force: req.force ?? false, ...(req.archive ? { archive: true } : {}) });
}
