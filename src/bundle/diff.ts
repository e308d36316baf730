/** What changed between a site's previous bundle (its manifest on disk) and the one about to be written. Pure. */
import type { Manifest, ManifestEntry } from './manifest';

export interface FileChange {
  path: string;
  change: 'added' | 'removed' | 'changed' | 'mode';
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
 * Compares two manifests file by file (by checksum and mode) and by their bundle-wide fields.
 * The manifest files themselves and SHA256SUMS are not listed: they follow the others.
 */
export function diffManifests(previous: Manifest | undefined, next: Manifest): BundleDiff {
  const files: FileChange[] = [];
  const meta: string[] = [];
  const before = new Map((previous?.files ?? []).map((f) => [f.path, f]));
  const after = new Map(next.files.map((f) => [f.path, f]));
  for (const [path, f] of after) {
    const old = before.get(path);
    if (!old) files.push({ path, change: 'added', secret: f.secret });
    else if (old.sha256 !== f.sha256) files.push({ path, change: 'changed', secret: f.secret || old.secret, detail: sizeDetail(old, f) });
    else if (old.mode !== f.mode) files.push({ path, change: 'mode', secret: f.secret, detail: `mode ${old.mode} -> ${f.mode}` });
  }
  for (const [path, f] of before) {
    if (!after.has(path)) files.push({ path, change: 'removed', secret: f.secret });
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
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

function sizeDetail(a: ManifestEntry, b: ManifestEntry): string {
  return a.bytes === b.bytes ? `${b.bytes} bytes, content differs` : `${a.bytes} -> ${b.bytes} bytes`;
}

/** Human lines for a diff (no file contents, so no key). Pure. */
export function formatBundleDiff(d: BundleDiff): string[] {
  if (!d.changed) return [`${d.site}: no change`];
  const lines = [`${d.site}: ${d.firstBundle ? 'no previous bundle; every file is new' : 'changes against the previous bundle'}`];
  for (const m of d.meta) lines.push(`  * ${m}`);
  const sign: Record<FileChange['change'], string> = { added: '+', removed: '-', changed: '~', mode: 'm' };
  for (const f of d.files) lines.push(`  ${sign[f.change]} ${f.path}${f.detail ? ` (${f.detail})` : ''}${f.secret ? ' [holds the shared key]' : ''}`);
  return lines;
}
