/**
 * The emulator's state folder holds shared keys, vault secrets, its TLS key and its token: it is kept
 * private (0700, an existing folder is tightened), it is never a symbolic link, and its files are
 * written through new temporary names (O_EXCL, never following a link) renamed into place, so a link
 * planted in the folder cannot send a secret elsewhere.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

function stateDirError(message: string): Error {
  return Object.assign(new Error(message), { code: 'EmulatorStateUnsafe' });
}

/** Creates the folder (0700) or checks and tightens an existing one. */
export function preparePrivateDir(dir: string): void {
  mkdirSync(dirname(dir), { recursive: true });
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  let fd: number;
  try {
    fd = openSync(dir, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0) | NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || lstatSync(dir).isSymbolicLink()) throw stateDirError(`The emulator state folder ${dir} is a symbolic link; use the folder it points to, or another folder.`);
    if (code === 'ENOTDIR') throw stateDirError(`The emulator state folder ${dir} is not a folder.`);
    throw e;
  }
  try {
    fchmodSync(fd, 0o700);
  } finally {
    closeSync(fd);
  }
}

/** Writes `file` in the (prepared) state folder: a new temporary file with `mode`, then a rename. */
export function writeStateFile(file: string, content: string, mode: number): void {
  const tmp = join(dirname(file), `.${randomBytes(6).toString('hex')}.${process.pid}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, mode);
  try {
    writeSync(fd, content);
    fchmodSync(fd, mode);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Reads a state file without following a link; undefined when it does not exist. */
export function readStateFile(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw stateDirError(`${file} is a symbolic link; the emulator never reads its state through a link. Remove it.`);
    throw e;
  }
  try {
    if (!fstatSync(fd).isFile()) throw stateDirError(`${file} is not a regular file. Remove it.`);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
