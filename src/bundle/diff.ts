/**
 * What changed between a site's previous bundle (its manifest and its files on disk) and the one about
 * to be written. Pure: the files on disk are read by io/readSiteFiles.ts.
 */
import type { Manifest, ManifestEntry } from './manifest';
import { compareCodeUnits } from '../util/compare';

/** A file at a path the previous manifest lists, as found on disk (absent: not in the map). */
export type OnDisk = { sha256: string; mode: string } | { unreadable: string };

export interface FileChange {
  path: string;
  /** `edited`: changed on disk since tunnelsmith wrote it; `missing`: deleted from disk since then. */
  change: 'added' | 'removed' | 'changed' | 'mode' | 'edited' | 'missing';
  /** The file holds the shared key (its content is never shown). */
  secret: boolean;
  detail?: string;
}

export interface BundleDiff {
  site: string;
  /** No previous manifest: every file is new. */
  firstBundle: boolean;
  files: FileChange[];
  /** Changes of the bundle as a whole (tool version, hub file, redaction, devices). */
  meta: string[];
  changed: boolean;
}

/**
 * Compares two manifests file by file (by checksum and mode) and by their bundle-wide fields. With
 * `onDisk` (the files the previous manifest lists, as they are now), a file edited, deleted or
 * re-moded by hand since it was written is reported too, even when the new bundle would write what the
 * previous manifest says: `sha256sum -c SHA256SUMS` fails on such a folder.
 * The manifest files themselves and SHA256SUMS are not listed: they follow the others.
 */
export function diffManifests(previous: Manifest | undefined, next: Manifest, onDisk?: ReadonlyMap<string, OnDisk>): BundleDiff {
  const files: FileChange[] = [];
  const meta: string[] = [];
  const before = new Map((previous?.files ?? []).map((f) => [f.path, f]));
  const after = new Map(next.files.map((f) => [f.path, f]));
  for (const [path, f] of after) {
    const old = before.get(path);
    const byHand = old && onDisk ? handChange(old, onDisk.get(path), f) : undefined;
    if (byHand) files.push({ path, secret: f.secret || old!.secret, ...byHand });
    else if (!old) files.push({ path, change: 'added', secret: f.secret });
    else if (old.sha256 !== f.sha256) files.push({ path, change: 'changed', secret: f.secret || old.secret, detail: sizeDetail(old, f) });
    else if (old.mode !== f.mode) files.push({ path, change: 'mode', secret: f.secret, detail: `mode ${old.mode} -> ${f.mode}` });
  }
  for (const [path, f] of before) {
    if (!after.has(path)) files.push({ path, change: 'removed', secret: f.secret });
  }
  files.sort((a, b) => compareCodeUnits(a.path, b.path));
  if (previous) {
    if (previous.toolVersion !== next.toolVersion) meta.push(`tool version ${previous.toolVersion} -> ${next.toolVersion}`);
    if (previous.hubDigest !== next.hubDigest) meta.push('the hub file changed since the previous bundle');
    if (previous.redacted !== next.redacted) meta.push(next.redacted ? 'now redacted (the key travels separately)' : 'no longer redacted (the key is inside the files)');
    const devBefore = [...previous.devices].sort().join(', ');
    const devAfter = [...next.devices].sort().join(', ');
    if (devBefore !== devAfter) meta.push(`devices ${devBefore || 'none'} -> ${devAfter || 'none'}`);
  }
  return { site: next.site, firstBundle: previous === undefined, files, meta, changed: files.length > 0 || meta.length > 0 };
}

/** How a file on disk differs from what tunnelsmith wrote there (`written`), if it does. */
function handChange(written: ManifestEntry, disk: OnDisk | undefined, next: ManifestEntry): Pick<FileChange, 'change' | 'detail'> | undefined {
  if (disk === undefined) return { change: 'missing', detail: 'deleted since tunnelsmith wrote it; bundle writes it again' };
  if ('unreadable' in disk) return { change: 'edited', detail: `now ${disk.unreadable}, not the file tunnelsmith wrote` };
  if (disk.sha256 !== written.sha256) {
    return { change: 'edited', detail: disk.sha256 === next.sha256 ? 'edited by hand since tunnelsmith wrote it (to what the new bundle holds)' : 'edited by hand since tunnelsmith wrote it' };
  }
  if (disk.mode !== written.mode) return { change: 'edited', detail: `mode changed by hand to ${disk.mode} (tunnelsmith wrote ${written.mode})` };
  return undefined;
}

function sizeDetail(a: ManifestEntry, b: ManifestEntry): string {
  return a.bytes === b.bytes ? `${b.bytes} bytes, content differs` : `${a.bytes} -> ${b.bytes} bytes`;
}

/** Human lines for a diff (no file contents, so no key). Pure. */
export function formatBundleDiff(d: BundleDiff): string[] {
  if (!d.changed) return [`${d.site}: no change`];
  const lines = [`${d.site}: ${d.firstBundle ? 'no previous bundle; every file is new' : 'changes against the previous bundle'}`];
  for (const m of d.meta) lines.push(`  * ${m}`);
  const sign: Record<FileChange['change'], string> = { added: '+', removed: '-', changed: '~', mode: 'm', edited: '!', missing: '!' };
  for (const f of d.files) lines.push(`  ${sign[f.change]} ${f.path}${f.detail ? ` (${f.detail})` : ''}${f.secret ? ' [holds the shared key]' : ''}`);
  if (d.files.some((f) => f.change === 'edited')) lines.push('  bundle will not overwrite a file edited by hand: keep your edits elsewhere, or run bundle --force');
  return lines;
}
