/**
 * The rules every shared key passes before it reaches Azure or a file, whatever its source (a reference,
 * the key journal, a facts file, Azure): Azure's character rules and the characters the device cannot
 * carry safely. Pure.
 */
import type { Problem } from '../errors';
import type { DeviceRules } from './rules';

/** Azure: 1..128 printable ASCII characters except space, `-` and `~`. */
const AZURE_KEY_CHAR = /^[\x21-\x7e]$/;
const AZURE_REFUSED_KEY_CHARS = ['-', '~'];

/**
 * Checks a shared key against Azure's rules and the characters the device cannot carry safely.
 * Messages describe the kind of character, never the key. Pure.
 */
export function checkSharedKey(value: string, where: string, device?: Pick<DeviceRules, 'displayName' | 'unsafeKeyChars'>): Problem[] {
  const problems: Problem[] = [];
  const fix = 'use 1..128 letters and digits (tunnelsmith deploy generates such a key when sharedKey is omitted)';
  if (value.length === 0 || value.length > 128) {
    problems.push({ path: where, severity: 'error', message: `the shared key has ${value.length} characters; Azure allows 1..128`, fix });
  }
  const kinds: string[] = [];
  const chars = [...value];
  if (chars.includes(' ')) kinds.push('a space');
  for (const c of AZURE_REFUSED_KEY_CHARS) if (chars.includes(c)) kinds.push(`'${c}'`);
  if (chars.some((c) => c !== ' ' && !AZURE_KEY_CHAR.test(c))) kinds.push('a control or non-ASCII character');
  if (kinds.length > 0) {
    problems.push({ path: where, severity: 'error', message: `the shared key contains ${kinds.join(', ')}, which Azure refuses (printable ASCII except space, '-' and '~')`, fix });
  }
  if (device) {
    const unsafe = device.unsafeKeyChars.filter((c) => value.includes(c));
    if (unsafe.length > 0) {
      problems.push({ path: where, severity: 'error', message: `the shared key contains ${unsafe.map((c) => JSON.stringify(c)).join(', ')}, which ${device.displayName} cannot carry safely in its configuration`, fix });
    }
  }
  return problems;
}

