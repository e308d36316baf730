/**
 * `--archive`: one `<out>/<site>.tar.gz` per site holding exactly the site folder as written (never the
 * separate `<site>.key`). Written to a temporary file and renamed; mode 0600 when the folder holds the key.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { syncDir } from './atomicWrite';

export async function writeSiteArchive(outDir: string, site: string, opts: { holdsSecret: boolean }): Promise<string> {
  const tar = await import('tar');
  const target = path.join(outDir, `${site}.tar.gz`);
  const tmp = path.join(outDir, `.${site}.tar.gz.${randomBytes(6).toString('hex')}.tmp`);
  const mode = opts.holdsSecret ? 0o600 : 0o644;
  // Create the file with its final mode first so the key is never readable by others, even briefly.
  await (await fs.open(tmp, 'wx', mode)).close();
  try {
    await fs.chmod(tmp, mode);
    await tar.c({ gzip: true, cwd: outDir, file: tmp, portable: true }, [site]);
    const handle = await fs.open(tmp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await syncDir(outDir);
  return target;
}
