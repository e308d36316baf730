/** Atomic file writes: a temporary file in the same folder, then rename. fsync where a loss would matter. */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface AtomicWriteOptions {
  mode: number;
  /** fsync the file before the rename and the folder after it (key journal, secrets). */
  durable?: boolean;
}

export async function writeFileAtomic(file: string, content: string | Buffer, opts: AtomicWriteOptions): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'wx', opts.mode);
  try {
    await handle.writeFile(content);
    // open() applies the umask; set the exact mode explicitly.
    await handle.chmod(opts.mode);
    if (opts.durable) await handle.sync();
  } catch (e) {
    await handle.close();
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  try {
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  if (opts.durable) await syncDir(dir);
}

export async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** mkdir -p, then force the mode on the last folder (mkdir applies the umask). */
export async function ensureDir(dir: string, mode: number): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode });
  await fs.chmod(dir, mode);
}
