/**
 * Shared-key generation for rotation (and deploy): cryptographically random, letters and digits only
 * (safe in every device's syntax and within Azure's rules), 48 characters (about 285 bits).
 */
import { randomBytes } from 'node:crypto';

export const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const GENERATED_KEY_LENGTH = 48;

/** A source of random bytes; tests may inject one, production uses the OS CSPRNG. */
export type RandomSource = (size: number) => Uint8Array;

/**
 * A new shared key of `length` characters from {@link KEY_ALPHABET}. Uses rejection sampling so every
 * character is equally likely (no modulo bias): bytes >= 248 (the largest multiple of 62 below 256) are
 * dropped.
 */
export function generateKey(length: number = GENERATED_KEY_LENGTH, random: RandomSource = randomBytes): string {
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

/** Whether a key has the shape generated keys have (used to check journal entries on load). */
export function isGeneratedKeyShape(key: string): boolean {
  return /^[A-Za-z0-9]{1,128}$/.test(key);
}
