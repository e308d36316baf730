/**
 * The files of a site folder as they are now (checksum and mode), for `bundle --diff`. Only paths
 * tunnelsmith writes are read, never through a symbolic link: a link, or anything but a regular file,
 * is reported as such and not read.
 */
import path from 'node:path';
import type { OnDisk } from '../bundle/diff';
import { modeText, sha256 } from '../bundle/manifest';
import { InputError } from '../errors';
import { lstatIfExists, readFileNoFollow } from './noFollow';
import { isProducedPath } from './writeBundle';

/** The files at `paths` below `siteDir`; a path with nothing there is absent from the map. */
export function readSiteFiles(siteDir: string, paths: readonly string[]): Map<string, OnDisk> {
  const out = new Map<string, OnDisk>();
  for (const rel of paths) {
    if (!isProducedPath(rel)) continue;
    const parts = rel.split('/');
    let found: OnDisk | undefined;
    for (let n = 1; n <= parts.length && found === undefined; n++) {
      const st = lstatIfExists(path.join(siteDir, ...parts.slice(0, n)));
      if (st === undefined) break;
      if (st.isSymbolicLink()) found = { unreadable: 'a symbolic link' };
      else if (n === parts.length) {
        if (!st.isFile()) found = { unreadable: 'not a regular file' };
        else {
          // As the writer's check does, a file that cannot be read is reported, not a crash.
          let content: Buffer | undefined;
          try {
            content = readFileNoFollow(path.join(siteDir, rel));
          } catch (e) {
            found = { unreadable: e instanceof InputError ? 'a symbolic link' : 'a file tunnelsmith cannot read' };
          }
          if (content !== undefined) found = { sha256: sha256(content.toString('utf8')), mode: modeText(st.mode) };
        }
      }
    }
    if (found !== undefined) out.set(rel, found);
  }
  return out;
}
