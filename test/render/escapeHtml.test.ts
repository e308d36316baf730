/** escapeHtml gives exactly what a template's `| escape` prints (nunjucks' own escaping), for any text. */
import fc from 'fast-check';
import nunjucks from 'nunjucks';
import { ENGINE_OPTIONS, escapeHtml } from '../../src/render/engine';

const env = new nunjucks.Environment(null, { ...ENGINE_OPTIONS });

test('the same as | escape, character for character', () => {
  const text = fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom('a', ' ', '&', '<', '>', '"', "'", '\\', '\n', 'é') }));
  fc.assert(
    fc.property(text, (t) => {
      expect(escapeHtml(t)).toBe(env.renderString('{{ t | escape }}', { t }));
    }),
    { numRuns: 2000 },
  );
  expect(escapeHtml(`a&b<c>"d'e\\f`)).toBe('a&amp;b&lt;c&gt;&quot;d&#39;e&#92;f');
  expect(escapeHtml('plain text 10.0.0.0/16')).toBe('plain text 10.0.0.0/16');
});

test('leaves alone every character nunjucks leaves alone, and rewrites the others as it does (the whole BMP)', () => {
  const nunjucksEscape = (nunjucks as unknown as { lib: { escape(t: string): string } }).lib.escape;
  const differing: string[] = [];
  let rewritten = 0;
  for (let c = 0; c < 0x10000; c++) {
    const ch = String.fromCharCode(c);
    const expected = nunjucksEscape(ch);
    if (expected !== ch) rewritten++;
    // Alone, and inside longer text (where the test of one character must not decide for the others).
    if (escapeHtml(ch) !== expected || escapeHtml(`a${ch}b${ch}`) !== `a${expected}b${expected}`) differing.push(`U+${c.toString(16)}`);
  }
  expect(differing).toEqual([]);
  expect(rewritten).toBe(6);
});
