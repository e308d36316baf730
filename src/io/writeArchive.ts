/**
 * `--archive`: one `<out>/<site>.tar.gz` per site holding exactly the site folder as written (never the
 * separate `<site>.key`). Written to a temporary file and renamed; mode 0600 when the folder holds the key.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, openSync, promises as fs, renameSync } from 'node:fs';
import path from 'node:path';
import { fsyncFd, openExclusive, syncDir } from './atomicWrite';
import { O_NOFOLLOW } from './noFollow';

export async function writeSiteArchive(outDir: string, site: string, opts: { holdsSecret: boolean }): Promise<string> {
  const tar = await import('tar');
  const target = path.join(outDir, `${site}.tar.gz`);
  const tmp = path.join(outDir, `.${site}.tar.gz.${randomBytes(6).toString('hex')}.tmp`);
  const mode = opts.holdsSecret ? 0o600 : 0o644;
  // Create the file with its final mode first so the key is never readable by others, even briefly; a
  // new name (never a link followed), replaced by a rename (a link at the target is replaced, not followed).
  const created = await openExclusive(tmp, mode);
  try {
    fchmodSync(created, mode);
  } finally {
    closeSync(created);
  }
  try {
    await tar.c({ gzip: true, cwd: outDir, file: tmp, portable: true }, [site]);
    const fd = openSync(tmp, constants.O_RDONLY | O_NOFOLLOW);
    try {
      await fsyncFd(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await syncDir(outDir);
  return target;
}
