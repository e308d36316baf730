/**
 * The hub reader's YAML (js-yaml's event parser) against the `yaml` package that read hub files before
 * it (and still writes `import`'s file): the same values for every hub file in the repository and for
 * generated documents, the YAML 1.2 core scalars, and the place of each value.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parse as yamlParse, stringify as yamlStringify } from 'yaml';
import { dump } from 'js-yaml';
import { aliasExpansion, MAX_ALIAS_EXPANSION, readYaml, yamlPositions } from '../../src/io/hubYaml';
import { generateHub } from '../../bench/generateHub';
import { InputError } from '../../src/errors';
import { parseAndValidateHub } from '../../src/io/readHub';

const ROOT = path.resolve(__dirname, '../..');
const RUNS = Number(process.env.TUNNELSMITH_PROPERTY_RUNS ?? 1000);

function valueOf(text: string): unknown {
  const r = readYaml(text);
  if (!r.ok) throw new Error(`not read: ${JSON.stringify(r)}`);
  return r.value;
}

/** Every YAML file below `dir`. */
function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

describe('the same values as the yaml package', () => {
  test('every hub file in fixtures/', () => {
    const files = yamlFiles(path.join(ROOT, 'fixtures'));
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect([f, valueOf(text)]).toEqual([f, yamlParse(text)]);
    }
  });

  test('generated 100-site hubs, as the benchmark writes them', () => {
    for (const seed of [1, 2, 3]) {
      const text = yamlStringify(generateHub({ sites: 100, seed }).file);
      expect(valueOf(text)).toEqual(yamlParse(text));
    }
  });

  test('generated documents, written by either library in block and flow style', () => {
    const key = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('name', 'sku', 'yes', 'no', '1', '0x1F', 'null', '~', '- a', 'a: b', '#x'));
    const scalar = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom('yes', 'No', 'on', 'TRUE', 'Null', '1_000', '0o17', '0b101', '+.5', '.inf', '2001-12-14', '010', '1e3', '0x1F', '-0x1', ' lead', 'trail ', 'a #b', "it's", 'a\nb', '\t'),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, scalar, tie('list'), tie('map')),
      list: fc.array(tie('node'), { maxLength: 4 }),
      map: fc.dictionary(key, tie('node'), { maxKeys: 4 }),
    })).node;
    fc.assert(
      fc.property(value, fc.constantFrom('yaml', 'yaml-flow', 'js-yaml', 'js-yaml-flow'), (v, writer) => {
        const text =
          writer === 'yaml' ? yamlStringify(v) :
          writer === 'yaml-flow' ? yamlStringify(v, { collectionStyle: 'flow' }) :
          dump(v, { flowLevel: writer === 'js-yaml-flow' ? 0 : -1 });
        const r = readYaml(text);
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.value).toEqual(yamlParse(text));
      }),
      { numRuns: RUNS },
    );
  });

  test('YAML 1.2 core scalars: only true/false are booleans, only the core forms are numbers', () => {
    const text = ['a: yes', 'b: No', 'c: on', 'd: TRUE', 'e: 0o17', 'f: 0x1F', 'g: 1_000', 'h: 0b101', 'i: +.5', 'j: 2001-12-14', 'k: ~', 'l: 010', 'm: .inf', 'n: 1e3'].join('\n');
    expect(valueOf(text)).toEqual(yamlParse(text));
    expect(valueOf(text)).toEqual({ a: 'yes', b: 'No', c: 'on', d: true, e: 15, f: 31, g: '1_000', h: '0b101', i: 0.5, j: '2001-12-14', k: null, l: 10, m: Infinity, n: 1000 });
  });
});

describe('what the reader refuses', () => {
  test('a key given twice, with its place, in the yaml package\'s words', () => {
    expect(readYaml('a: 1\nb:\n  c: 1\n  c: 2\n')).toEqual({ ok: false, problem: 'syntax', reason: 'Map keys must be unique', position: { line: 4, col: 3 } });
    expect(readYaml('azure:\n  foo: [\n')).toMatchObject({ reason: expect.stringMatching(/^Flow sequence in block collection must be sufficiently indented/) });
  });

  test('a key that is a collection, with the fix', () => {
    expect(readYaml('? [a, b]\n: 1\n')).toMatchObject({ ok: false, problem: 'syntax', fix: 'write the key as a plain name' });
  });

  test('more than one document; an empty file is null', () => {
    expect(readYaml('a: 1\n---\nb: 2\n')).toEqual({ ok: false, problem: 'documents', count: 2 });
    expect(readYaml('# nothing yet\n')).toMatchObject({ ok: true, value: null });
  });

  test('a tag it does not know, without quoting the tag', () => {
    const r = readYaml('key: !vaulted p4ssw0rd-value\n');
    expect(r).toMatchObject({ ok: false, problem: 'syntax', reason: 'unknown scalar tag', position: { line: 1, col: 6 }, fix: expect.stringMatching(/^remove the tag/) });
    expect(JSON.stringify(r)).not.toMatch(/vaulted|p4ssw0rd/);
  });

  test('aliases that expand a document far: nine levels of ten', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    expect(readYaml(levels.join('\n'))).toEqual({ ok: false, problem: 'aliases' });
  });

  test('a few aliases are fine, and count what they add', () => {
    const r = readYaml('base: &p { ike: IKEv2, dh: DHGroup14 }\nsites:\n  - policy: *p\n  - policy: *p\n');
    expect(r).toMatchObject({ ok: true, value: { sites: [{ policy: { ike: 'IKEv2' } }, { policy: { dh: 'DHGroup14' } }] } });
    if (r.ok) expect(aliasExpansion(r.value)).toBe(6);
    expect(aliasExpansion({ a: [1, 2], b: 'x' })).toBe(0);
    expect(MAX_ALIAS_EXPANSION).toBeGreaterThan(1000);
  });
});

describe('any text', () => {
  test('is read or refused, never thrown; a hub file from it is a hub, problems, or an InputError', () => {
    const unit = fc.constantFrom('a', '1', ' ', '  ', '\n', '\t', ':', '- ', '[', ']', '{', '}', ',', '"', "'", '#', '&a', '*a', '!', '!!str', '?', '|', '>', '%YAML 1.2', '---', '...', '\\', 'é', '\u0000', 'sites:', 'name: x');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), (text) => {
        const r = readYaml(text);
        expect(typeof r.ok).toBe('boolean');
        if (r.ok) yamlPositions(text, r.events)(['sites', 0, 'name']);
        try {
          parseAndValidateHub(text, 'hub.yaml', 'yaml');
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('places of values', () => {
  const text = [
    'azure:', //                                   1
    '  vpnGateway:', //                            2
    '    name: vgw', //                            3
    '    sku: "VpnGw1"', //                        4
    'sites:', //                                   5
    '  - name: hq', //                             6
    '    bgp: { asn: 65010, peerIp: 10.0.0.1 }', // 7
    '    addressSpace:', //                        8
    '      - 10.1.0.0/16', //                      9
    '      - 10.2.0.0/16', //                      10
    '  - name: branch', //                         11
    '    ? [complex, key]', //                     12
    '    : value', //                              13
    '    after: 1', //                             14
  ].join('\n');
  // The complex key is refused when values are read; places are still found around it.
  const events = (() => {
    const r = readYaml(text.replace('    ? [complex, key]\n    : value\n', ''));
    expect(r.ok).toBe(true);
    return r.ok ? r : undefined;
  })();

  test('a value, a quoted value, a flow value, a list item, the parent of a missing key', () => {
    const source = text.replace('    ? [complex, key]\n    : value\n', '');
    const at = yamlPositions(source, events!.events);
    expect(at(['azure', 'vpnGateway', 'name'])).toEqual({ line: 3, col: 11 });
    expect(at(['azure', 'vpnGateway', 'sku'])).toEqual({ line: 4, col: 10 });
    expect(at(['sites', 0, 'bgp', 'asn'])).toEqual({ line: 7, col: 17 });
    expect(at(['sites', 0, 'addressSpace', 1])).toEqual({ line: 10, col: 9 });
    expect(at(['azure', 'vpnGateway', 'asn'])).toEqual({ line: 3, col: 5 });
    expect(at(['sites', 1, 'name'])).toEqual({ line: 11, col: 11 });
    expect(at(['nothing'])).toBeUndefined();
  });

  test('a key that is a collection is skipped with its value', async () => {
    const { parseEvents } = await import('js-yaml');
    const at = yamlPositions(text, parseEvents(text, {}));
    expect(at(['sites', 1, 'after'])).toEqual({ line: 14, col: 12 });
    expect(at(['sites', 1, 'name'])).toEqual({ line: 11, col: 11 });
  });
});
