/**
 * Atomic file writes: a temporary file in the same folder, then rename. fsync where a loss would matter.
 *
 * A batch creates its temporary files in parallel on the thread pool: creating a file allocates an
 * inode, the one call that can be slow (on a file system still busy with many recent deletes, each
 * allocation searches past the freed inodes, and parallel creations share that work across cores).
 * The quick calls that follow (write, chmod, close, rename) are made inline with the synchronous API:
 * on a small file each takes microseconds, while a thread-pool round trip costs more than the call
 * itself on a busy machine. fsync, which waits for the disk, is awaited, and the files of one batch are
 * flushed together. The 5,720 files of a 1,000-site bundle took 1.6-2.3 s with one awaited call after
 * another, and 0.33-0.46 s this way. With every call inline they took 0.26-0.35 s, but right after
 * many deletes, 1.6-1.9 s against 1.1-1.3 s this way (docs/benchmarks.md).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, fsync, mkdir, open, openSync, promises as fs, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { linkRefused, lstatIfExists, O_NOFOLLOW, setDirModeNoFollow } from './noFollow';
import { createdModeNeedsSetting, readUmask } from './umask';

export interface AtomicWriteOptions {
  mode: number;
  /** fsync the file before the rename and the folder after it (key journal, secrets). */
  durable?: boolean;
}

/** One file of a batch for {@link writeFilesAtomic}. */
export interface AtomicWriteEntry extends AtomicWriteOptions {
  file: string;
  content: string | Buffer;
}

export async function writeFileAtomic(file: string, content: string | Buffer, opts: AtomicWriteOptions): Promise<void> {
  await writeFilesAtomic([{ file, content, ...opts }]);
}

/**
 * Writes each file atomically (temporary file in the same folder, exact mode, rename). The renames
 * happen in the order given, after every temporary file is written (and, for durable entries, flushed),
 * so a later entry never lands before an earlier one. Each folder holding a durable entry is fsynced
 * once, after the renames. On failure, no temporary file is left behind; the files already renamed stay.
 */
export async function writeFilesAtomic(entries: readonly AtomicWriteEntry[]): Promise<void> {
  // One random tag per batch (the index keeps the names of one batch apart).
  const tag = randomBytes(6).toString('hex');
  const temps = entries.map((e, i) => path.join(path.dirname(e.file), `.${path.basename(e.file)}.${tag}${i}.tmp`));
  const opened = await Promise.allSettled(temps.map((tmp, i) => openExclusive(tmp, entries[i].mode)));
  const fds = opened.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
  let renamed = 0;
  try {
    throwFirstRejection(opened);
    for (const [i, e] of entries.entries()) {
      writeFileSync(fds[i] as number, e.content);
      // open() applies the umask; set the exact mode explicitly.
      fchmodSync(fds[i] as number, e.mode);
    }
    // Settle every flush before closing anything: an fd closed under a pending fsync could be reused.
    throwFirstRejection(await Promise.allSettled(entries.flatMap((e, i) => (e.durable ? [fsyncFd(fds[i] as number)] : []))));
    for (const i of fds.keys()) {
      const fd = fds[i] as number;
      fds[i] = undefined;
      closeSync(fd);
    }
    for (; renamed < entries.length; renamed++) renameSync(temps[renamed], entries[renamed].file);
  } catch (e) {
    for (const fd of fds) if (fd !== undefined) closeQuietly(fd);
    for (const [i, r] of opened.entries()) if (r.status === 'fulfilled' && i >= renamed) rmSync(temps[i], { force: true });
    throw e;
  }
  const durableDirs = new Set(entries.filter((e) => e.durable).map((e) => path.dirname(e.file)));
  await Promise.all([...durableDirs].map(syncDir));
}

/** Creates `file`; fails when anything is there, a link included (O_EXCL), and never follows one. */
export function openExclusive(file: string, mode: number): Promise<number> {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW;
  return new Promise((resolve, reject) => open(file, flags, mode, (e, fd) => (e ? reject(e) : resolve(fd))));
}

/**
 * Creates the folder `dir` with exactly `mode` (its parent must exist); fails when anything is there, a
 * link included. The mode is set after creation only when the umask (`umask`, src/io/umask.ts) took bits
 * from it. Callback-based: Node 20's `fs.promises.mkdir` spends about twice as long on the main thread
 * per call (measured: 2,200 folders, 50-94 ms against 15-38 ms to issue the calls).
 */
export async function mkdirNew(dir: string, mode: number, umask: number | null): Promise<void> {
  await new Promise<void>((resolve, reject) => mkdir(dir, { mode }, (e) => (e ? reject(e) : resolve())));
  if (!createdModeNeedsSetting(mode, umask)) return;
  try {
    setDirModeNoFollow(dir, mode);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

export function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));
}

/**
 * Creates each file, which must not exist yet (a new folder's files: nothing to replace, so no temporary
 * name), with its exact mode; durable entries are flushed before this resolves. On failure the files
 * created are removed. `umask`: the process's, when the caller has read it (src/io/umask.ts).
 */
export async function writeNewFiles(entries: readonly AtomicWriteEntry[], umask: number | null = readUmask()): Promise<void> {
  const opened = await Promise.allSettled(entries.map((e) => openExclusive(e.file, e.mode)));
  const fds = opened.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
  try {
    throwFirstRejection(opened);
    for (const [i, e] of entries.entries()) {
      writeFileSync(fds[i] as number, e.content);
      // A new file has its mode from open(), less the umask: set only when the umask took bits.
      if (createdModeNeedsSetting(e.mode, umask)) fchmodSync(fds[i] as number, e.mode);
    }
    throwFirstRejection(await Promise.allSettled(entries.flatMap((e, i) => (e.durable ? [fsyncFd(fds[i] as number)] : []))));
    for (const i of fds.keys()) {
      const fd = fds[i] as number;
      fds[i] = undefined;
      closeSync(fd);
    }
  } catch (e) {
    for (const fd of fds) if (fd !== undefined) closeQuietly(fd);
    for (const [i, r] of opened.entries()) if (r.status === 'fulfilled') rmSync(entries[i].file, { force: true });
    throw e;
  }
}

function throwFirstRejection(results: PromiseSettledResult<unknown>[]): void {
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already failing: the first error is the one reported
  }
}

export async function syncDir(dir: string): Promise<void> {
  const fd = openSync(dir, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0));
  try {
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * mkdir -p, then force the mode on the last folder (mkdir applies the umask; an existing folder is
 * tightened). The last folder must not be a symbolic link: its mode is set without following one.
 */
export async function ensureDir(dir: string, mode: number): Promise<void> {
  await ensureDirs([dir], mode);
}

/**
 * {@link ensureDir} for several folders: created in parallel (creating a folder allocates an inode, see
 * above), then each one's mode forced inline.
 */
export async function ensureDirs(dirs: Iterable<string>, mode: number): Promise<void> {
  const list = [...dirs];
  await Promise.all(
    list.map((d) =>
      fs.mkdir(d, { recursive: true, mode }).then(
        () => undefined,
        (e: unknown) => {
          // A dangling link where the folder goes: refused by name, like a link to a folder below.
          if (lstatIfExists(d)?.isSymbolicLink()) throw linkRefused(d);
          throw e;
        },
      ),
    ),
  );
  for (const d of list) setDirModeNoFollow(d, mode);
}
