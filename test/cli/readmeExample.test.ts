/**
 * The README's "complete example with every field" (decisions.md, "Tests and the two commands"): the
 * document as written (commented lines stay comments) validates, and every key of the hub schema
 * appears in it. A key may appear only in a commented-out line when that line is an alternative: the
 * document with it uncommented is refused (circuit beside circuitId, a second sharedKey, ...).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { buildHubJsonSchema } from '../../src/hub/schema';
import { parseAndValidateHub } from '../../src/io/readHub';
import { InputError } from '../../src/errors';

const README = readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');

/** The first ```yaml block after the words "complete example with every field". */
function exampleBlock(): string {
  const at = README.indexOf('complete example with every field');
  expect(at).toBeGreaterThan(0);
  const open = README.indexOf('```yaml\n', at);
  const close = README.indexOf('\n```\n', open);
  return README.slice(open + '```yaml\n'.length, close + 1);
}

/** Every key path of a parsed document: `azure.vnet.subnets[].name`; below deviceOptions the device's own knobs are not schema keys. */
function keyPaths(value: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keyPaths(v, `${prefix}[]`, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = prefix ? `${prefix}.${k}` : k;
      out.add(p);
      if (k !== 'deviceOptions') keyPaths(v, p, out);
    }
  }
  return out;
}

/** Every property path of the hub's JSON Schema (generated from the zod schema), through refs, unions and arrays. */
function schemaPaths(): string[] {
  const root = buildHubJsonSchema() as Record<string, any>;
  const defs: Record<string, any> = root.$defs ?? root.definitions ?? {};
  const out = new Set<string>();
  const walk = (node: any, prefix: string, depth: number): void => {
    if (!node || typeof node !== 'object' || depth > 20) return;
    if (typeof node.$ref === 'string') return walk(defs[node.$ref.split('/').pop()], prefix, depth + 1);
    for (const [k, v] of Object.entries<any>(node.properties ?? {})) {
      const p = prefix ? `${prefix}.${k}` : k;
      out.add(p);
      if (k !== 'deviceOptions') walk(v, p, depth + 1);
    }
    if (node.items) walk(node.items, `${prefix}[]`, depth + 1);
    for (const branch of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]) walk(branch, prefix, depth + 1);
  };
  walk(root, '', 0);
  return [...out].sort();
}

/** Runs of commented-out YAML: a `# key:` line and the commented lines indented below it. */
function commentedBlocks(lines: string[]): { from: number; to: number }[] {
  const blocks: { from: number; to: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)# ([A-Za-z$][\w$]*:( |$))/.exec(lines[i] as string);
    if (!m) continue;
    const indent = (m[1] as string).length;
    let j = i + 1;
    while (j < lines.length && new RegExp(`^\\s{${indent}}#  +\\S`).test(lines[j] as string)) j++;
    blocks.push({ from: i, to: j });
    i = j - 1;
  }
  return blocks;
}

function refused(text: string): boolean {
  try {
    return parseAndValidateHub(text, 'README.md', 'yaml').problems.some((p) => p.severity === 'error');
  } catch (e) {
    if (e instanceof InputError) return true;
    throw e;
  }
}

test('the example validates as written, without a warning', () => {
  const { hub, problems } = parseAndValidateHub(exampleBlock(), 'README.md', 'yaml');
  expect(problems).toEqual([]);
  expect(hub).toBeDefined();
});

test('every commented-out line is an alternative: uncommented, the document is refused', () => {
  const lines = exampleBlock().split('\n');
  const blocks = commentedBlocks(lines);
  expect(blocks.length).toBeGreaterThanOrEqual(2);
  for (const b of blocks) {
    const text = lines.map((l, i) => (i >= b.from && i < b.to ? l.replace(/^(\s*)# /, '$1') : l)).join('\n');
    expect({ block: lines[b.from], refused: refused(text) }).toEqual({ block: lines[b.from], refused: true });
  }
});

test('every key of the hub schema appears, uncommented or as a commented-out alternative', () => {
  const text = exampleBlock();
  const lines = text.split('\n');
  const present = keyPaths(parse(text));
  const alternatives = new Set<string>();
  for (const b of commentedBlocks(lines)) {
    const uncommented = lines.map((l, i) => (i >= b.from && i < b.to ? l.replace(/^(\s*)# /, '$1') : l)).join('\n');
    // The alternative replaces what it stands beside (a repeated key: the later one wins here).
    for (const p of keyPaths(parse(uncommented, { uniqueKeys: false }))) if (!present.has(p)) alternatives.add(p);
  }
  const schema = schemaPaths();
  expect(schema.length).toBeGreaterThan(50);
  expect(schema.filter((p) => !present.has(p) && !alternatives.has(p))).toEqual([]);
  // The decision: circuitId is written out, circuit is the commented alternative.
  expect(present.has('azure.expressRoute.circuitId')).toBe(true);
  expect(present.has('azure.expressRoute.circuit')).toBe(false);
  expect(alternatives.has('azure.expressRoute.circuit.skuFamily')).toBe(true);
});
