/**
 * File-system calls that never follow a symbolic link at the path they are given. A link planted inside
 * a folder tunnelsmith owns (an output tree, the key journal, the lock folder) must not redirect a
 * write, a read, a chmod or a delete to a place outside it: each call here opens with O_NOFOLLOW (a
 * link fails with ELOOP) or checks with lstat, and a link is refused with an error naming it.
 */
import { closeSync, constants, fchmodSync, fstatSync, lstatSync, mkdirSync, openSync, readSync, type Stats } from 'node:fs';
import { InputError } from '../errors';

export const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_DIRECTORY = constants.O_DIRECTORY ?? 0;

/** The path refused because it is a symbolic link; the message names it and the fix. */
export function linkRefused(p: string, hint?: string): InputError {
  return new InputError(
    'LinkRefused',
    `${p} is a symbolic link; tunnelsmith never writes, reads or changes modes through a link inside the folders it writes`,
    [],
    hint ?? `remove the link (rm ${p}) and run again; nothing was written through it`,
  );
}

function notAFolder(p: string): InputError {
  return new InputError('NotAFolder', `${p} is in the way: a folder belongs there`, [], `move it away (mv ${p} ${p}.bak) and run again`);
}

/** lstat, or undefined when nothing is there. */
export function lstatIfExists(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Refuses `p` when it is a symbolic link; true when something (not a link) is there. */
export function refuseLink(p: string): boolean {
  const st = lstatIfExists(p);
  if (st?.isSymbolicLink()) throw linkRefused(p);
  return st !== undefined;
}

/** Sets a folder's mode through a descriptor opened without following a link at `dir`. */
export function setDirModeNoFollow(dir: string, mode: number): void {
  let fd: number;
  try {
    fd = openSync(dir, constants.O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || (code === 'ENOTDIR' && lstatIfExists(dir)?.isSymbolicLink())) throw linkRefused(dir);
    if (code === 'ENOTDIR') throw notAFolder(dir);
    throw e;
  }
  try {
    fchmodSync(fd, mode);
  } finally {
    closeSync(fd);
  }
}

/**
 * A folder tunnelsmith owns: created with `mode` when missing (its parent must exist), else checked to
 * be a real folder (never a link) and its mode set to `mode` (an existing folder is tightened).
 */
export function ensureOwnDirSync(dir: string, mode: number): void {
  try {
    mkdirSync(dir, { mode });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  setDirModeNoFollow(dir, mode);
}

/**
 * Reads a regular file without following a link at `p`. Undefined when it does not exist; a link is
 * refused (LinkRefused); anything but a regular file, or more than `maxBytes`, throws `tooBig`/`notFile`.
 */
export function readFileNoFollow(p: string, opts: { maxBytes?: number } = {}): Buffer | undefined {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading must not wait for a writer; fstat refuses it below.
    fd = openSync(p, constants.O_RDONLY | O_NOFOLLOW | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw linkRefused(p);
    throw e;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw Object.assign(new Error(`${p} is not a regular file`), { code: 'ENOTREGULAR' });
    return readBounded(fd, opts.maxBytes ?? Number.MAX_SAFE_INTEGER, p);
  } finally {
    closeSync(fd);
  }
}

/** Reads at most `max` bytes from `fd`; more than that throws (code EFBIG), whatever the file claims to be. */
export function readBounded(fd: number, max: number, shown: string): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const chunk = Buffer.alloc(64 * 1024);
  for (;;) {
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    total += n;
    if (total > max) throw Object.assign(new Error(`${shown} is larger than ${max} bytes`), { code: 'EFBIG' });
    chunks.push(Buffer.from(chunk.subarray(0, n)));
  }
  return Buffer.concat(chunks, total);
}
