/**
 * What a shared key is: the rules every key passes before it reaches Azure or a file, whatever its source
 * (a reference, the key journal, a facts file, Azure): Azure's character rules and the characters the
 * device cannot carry safely; where a key came from; and the keys tunnelsmith makes (deploy, when a site
 * has no reference, and rotate-key). Pure, but for the default random source of `generateSharedKey`.
 */
import { randomBytes } from 'node:crypto';
import type { Problem } from '../errors';
import type { DeviceRules } from './rules';

/** Where a key came from (the key journal's origins). */
export type KeyOrigin = 'generated' | 'reference' | 'azure' | 'rotation';

/** Letters and digits only: safe in every device's syntax and within Azure's rules. */
export const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** 48 characters: about 285 bits. */
export const GENERATED_KEY_LENGTH = 48;

/** A source of random bytes; tests may inject one, production uses the OS CSPRNG. */
export type RandomSource = (size: number) => Uint8Array;

/**
 * A new shared key of `length` characters from {@link KEY_ALPHABET}, cryptographically random. Rejection
 * sampling keeps every character equally likely (no modulo bias): bytes >= 248 (the largest multiple of
 * 62 below 256) are dropped.
 */
export function generateSharedKey(length: number = GENERATED_KEY_LENGTH, random: RandomSource = randomBytes): string {
  if (!Number.isInteger(length) || length < 1 || length > 128) throw new RangeError('key length must be 1..128');
  const limit = 256 - (256 % KEY_ALPHABET.length);
  let key = '';
  while (key.length < length) {
    for (const byte of random(length * 2)) {
      if (byte >= limit) continue;
      key += KEY_ALPHABET[byte % KEY_ALPHABET.length];
      if (key.length === length) break;
    }
  }
  return key;
}

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

