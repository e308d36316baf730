/**
 * Whether a file or folder created with `mode` already has exactly that mode: creating one applies the
 * process's umask, which the bundle writer otherwise corrects with a chmod per file and per folder
 * (about 7,700 calls for a 1,000-site bundle, most of them needless under the usual umask 022). The
 * umask is read from /proc/self/status (Linux 4.7 and later), never by process.umask(), which sets it
 * to read it and so races with files being created on the thread pool. Where it cannot be read, every
 * mode is set.
 */
import { readFileSync } from 'node:fs';

/** The umask from `/proc/self/status` text, or null when the text has none. Pure. */
export function umaskFromStatus(status: string): number | null {
  const m = /^Umask:\s*([0-7]{1,4})\s*$/m.exec(status);
  return m ? parseInt(m[1], 8) : null;
}

/** The process's umask now, or null when this system does not say. */
export function readUmask(): number | null {
  try {
    return umaskFromStatus(readFileSync('/proc/self/status', 'utf8'));
  } catch {
    return null;
  }
}

/** True unless the umask is known and clears none of `mode`'s bits. Pure. */
export function createdModeNeedsSetting(mode: number, umask: number | null): boolean {
  return umask === null || (mode & umask) !== 0;
}
