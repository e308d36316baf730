import { GENERATED_KEY_LENGTH, generateSharedKey as generateKey, KEY_ALPHABET } from '../../src/hub/sharedKey';

describe('generateKey', () => {
  it('makes 48 letters and digits by default', () => {
    const key = generateKey();
    expect(key).toHaveLength(GENERATED_KEY_LENGTH);
    expect(key).toMatch(/^[A-Za-z0-9]{48}$/);
  });

  it('never repeats a key across many draws', () => {
    const keys = new Set(Array.from({ length: 2000 }, () => generateKey()));
    expect(keys.size).toBe(2000);
  });

  it('drops biased bytes instead of folding them (rejection sampling)', () => {
    // 248..255 must be skipped; 0 -> 'A', 61 -> '9', 62 -> 'A' again.
    const bytes = [255, 248, 0, 61, 62, 250];
    let i = 0;
    const key = generateKey(3, (n) => Uint8Array.from({ length: n }, () => bytes[i++ % bytes.length] as number));
    expect(key).toBe('A9A');
  });

  it('uses every character of the alphabet over enough draws', () => {
    const seen = new Set(Array.from({ length: 200 }, () => generateKey()).join(''));
    expect(seen.size).toBe(KEY_ALPHABET.length);
  });

  it('refuses lengths Azure does not accept', () => {
    expect(() => generateKey(0)).toThrow(RangeError);
    expect(() => generateKey(129)).toThrow(RangeError);
  });
});
