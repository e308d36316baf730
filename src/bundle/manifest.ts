/**
 * What a site's bundle is made of, shared by the builder, the views and the writer: the file and
 * manifest types, the metadata every bundle carries, the checksum and the file modes. Pure.
 */
import { createHash } from 'node:crypto';

export const MANIFEST_VERSION = 1;

export interface BundleFile {
  /** Relative to `<out>/<site>/`. */
  path: string;
  content: string;
  mode: number;
  holdsSecret: boolean;
}

export interface ManifestEntry {
  path: string;
  sha256: string;
  bytes: number;
  mode: string;
  secret: boolean;
}

export interface Manifest {
  manifestVersion: typeof MANIFEST_VERSION;
  tool: 'tunnelsmith';
  toolVersion: string;
  hub: string;
  /** sha256 of the hub file as read, so a bundle names the input it came from. */
  hubDigest: string;
  site: string;
  devices: string[];
  redacted: boolean;
  files: ManifestEntry[];
}

export interface BundleMeta {
  toolVersion: string;
  hubDigest: string;
  redacted: boolean;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A mode as the manifest writes it, and as `bundle --diff` and the key-file check show one: `0644`. */
export function modeText(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0');
}

export function fileMode(holdsSecret: boolean, executable: boolean): number {
  if (holdsSecret) return executable ? 0o700 : 0o600;
  return executable ? 0o755 : 0o644;
}
