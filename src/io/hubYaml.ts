/**
 * The hub file's YAML: its value (YAML 1.2 core schema, one document, no key given twice, aliases
 * bounded) and, only when a problem needs one, the place in the text of the value at a path. Both come
 * from one pass of js-yaml's event parser, which keeps the offset of every node (five times faster than
 * the `yaml` package on a 100-site hub, docs/benchmarks.md). Text that js-yaml refuses is read again by
 * the `yaml` package, whose words for a syntax error say more ("Flow sequence in block collection must
 * be sufficiently indented and end with a ]" where js-yaml says "deficient indentation"). Pure.
 */
import { constructFromEvents, EVENT_ID, getScalarValue, parseEvents, SCALAR_STYLE, YAMLException, type Event } from 'js-yaml';
import type { PathSegment } from '../hub/paths';

/** Alias nodes (`*name`) allowed in one file: the number the earlier reader gave yaml's `maxAliasCount`. */
const MAX_ALIASES = 100;
/**
 * Values that aliases may add to the document when it is expanded: far more than any hub needs, far
 * fewer than an "entity expansion" file (nine levels of ten aliases make 10^9) would make the validator walk.
 */
export const MAX_ALIAS_EXPANSION = 10_000;

/** A place in the text: 1-based line and column. */
export interface TextPosition {
  line: number;
  col: number;
}

export type YamlRead =
  | { ok: true; value: unknown; events: Event[] }
  | { ok: false; problem: 'syntax'; reason: string; position?: TextPosition; fix?: string }
  | { ok: false; problem: 'documents'; count: number }
  | { ok: false; problem: 'aliases' };

/** Reads `text` as one YAML document (an empty file is `null`). Never throws. */
export function readYaml(text: string): YamlRead {
  let events: Event[];
  let docs: unknown[];
  try {
    events = parseEvents(text, {});
    docs = constructFromEvents(events, { source: text, maxAliases: MAX_ALIASES });
  } catch (e) {
    return syntaxProblem(text, e);
  }
  if (docs.length > 1) return { ok: false, problem: 'documents', count: docs.length };
  const value = docs.length === 0 ? null : docs[0];
  if (text.includes('*') && aliasExpansion(value) > MAX_ALIAS_EXPANSION) return { ok: false, problem: 'aliases' };
  return { ok: true, value, events };
}

function syntaxProblem(text: string, e: unknown): YamlRead {
  const described = yamlPackageError(text);
  if (described) return { ok: false, problem: 'syntax', ...described };
  if (!(e instanceof YAMLException)) return { ok: false, problem: 'syntax', reason: 'the text cannot be read as YAML' };
  const mark = e.mark;
  // The parser's reason, without what it quotes from the file (a tag, a handle): first words only.
  const reason = clean(e.reason.split(/\s*(?:!|"|: )/)[0]);
  const fix = /^unknown .*tag$/.test(reason)
    ? 'remove the tag (!...): a hub file holds plain values, and a secret is a reference such as { env: NAME }'
    : /complex keys/.test(reason)
      ? 'write the key as a plain name'
      : undefined;
  return { ok: false, problem: 'syntax', reason, ...(mark ? { position: { line: mark.line + 1, col: mark.column + 1 } } : {}), ...(fix ? { fix } : {}) };
}

/** The `yaml` package's first error in `text` (loaded only now), when it finds one. */
function yamlPackageError(text: string): { reason: string; position: TextPosition } | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { LineCounter, parseDocument } = require('yaml') as typeof import('yaml');
  const lineCounter = new LineCounter();
  const first = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter }).errors[0];
  return first ? { reason: clean(first.message), position: lineCounter.linePos(first.pos[0]) } : undefined;
}

/** A parser's words: first line, no control characters, clipped. */
function clean(message: string): string {
  const first = message.split('\n')[0].replace(/[\u0000-\u001f\u007f]/g, ' ');
  return first.length > 100 ? `${first.slice(0, 100)}...` : first;
}

/**
 * How many values the aliases add when the document is expanded: the expanded size minus the distinct
 * size. js-yaml shares one object per anchor, so both are counted in one pass, each object once.
 */
export function aliasExpansion(root: unknown): number {
  const sizes = new Map<object, number>();
  let distinct = 0;
  const size = (v: unknown): number => {
    if (v === null || typeof v !== 'object') {
      distinct += 1;
      return 1;
    }
    const known = sizes.get(v);
    if (known !== undefined) return known;
    distinct += 1;
    let n = 1;
    for (const child of Object.values(v)) n += size(child);
    sizes.set(v, n);
    return n;
  };
  return size(root) - distinct;
}

/**
 * The place of each value in the first document, by path: finds the deepest value that exists on a
 * path (the parent of a missing key). Keys that are not plain text (a collection used as a key) are
 * skipped with everything below them.
 */
export function yamlPositions(text: string, events: readonly Event[]): (path: readonly PathSegment[]) => TextPosition | undefined {
  const offsets = new Map<string, number>();
  type Frame = { kind: 'map' | 'seq' | 'skip'; path: string; key?: string; expectKey: boolean; index: number };
  const stack: Frame[] = [];
  let documents = 0;
  for (const ev of events) {
    if (ev.type === EVENT_ID.DOCUMENT) {
      if (++documents > 1) break;
      continue;
    }
    const top = stack[stack.length - 1];
    if (ev.type === EVENT_ID.POP) {
      stack.pop();
      continue;
    }
    const opens = ev.type === EVENT_ID.MAPPING || ev.type === EVENT_ID.SEQUENCE;
    if (top?.kind === 'skip') {
      if (opens) stack.push({ kind: 'skip', path: '', expectKey: false, index: 0 });
      continue;
    }
    if (top?.kind === 'map' && top.expectKey) {
      top.expectKey = false;
      top.key = ev.type === EVENT_ID.SCALAR ? getScalarValue(text, ev) : undefined;
      if (opens) stack.push({ kind: 'skip', path: '', expectKey: false, index: 0 });
      continue;
    }
    let path = '';
    if (top?.kind === 'map') {
      top.expectKey = true;
      if (top.key === undefined) {
        if (opens) stack.push({ kind: 'skip', path: '', expectKey: false, index: 0 });
        continue;
      }
      path = join(top.path, top.key);
    } else if (top?.kind === 'seq') {
      path = join(top.path, top.index++);
    }
    offsets.set(path, startOf(ev));
    if (ev.type === EVENT_ID.MAPPING) stack.push({ kind: 'map', path, expectKey: true, index: 0 });
    else if (ev.type === EVENT_ID.SEQUENCE) stack.push({ kind: 'seq', path, expectKey: false, index: 0 });
  }
  const positionAt = offsetPositions(text);
  return (segments) => {
    for (let n = segments.length; n > 0; n--) {
      const offset = offsets.get(segments.slice(0, n).reduce<string>((p, s) => join(p, s), ''));
      if (offset !== undefined) return positionAt(offset);
    }
    return undefined;
  };
}

function join(parent: string, segment: PathSegment): string {
  return `${parent}\u0000${String(segment)}`;
}

/** Where a node's text begins: its first key or item, or a scalar's opening quote. */
function startOf(ev: Event): number {
  switch (ev.type) {
    case EVENT_ID.MAPPING:
    case EVENT_ID.SEQUENCE:
      return ev.start;
    case EVENT_ID.SCALAR:
      return ev.style === SCALAR_STYLE.SINGLE_QUOTED || ev.style === SCALAR_STYLE.DOUBLE_QUOTED ? Math.max(0, ev.valueStart - 1) : ev.valueStart;
    case EVENT_ID.ALIAS:
      return Math.max(0, ev.anchorStart - 1);
    default:
      return 0;
  }
}

/**
 * The 1-based line and column of an offset in `text`; the line starts are found on the first call, so
 * placing many problems scans the text once.
 */
export function offsetPositions(text: string): (offset: number) => TextPosition {
  let lineStarts: number[] | undefined;
  return (offset) => {
    if (lineStarts === undefined) {
      lineStarts = [0];
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
    }
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - lineStarts[lo] + 1 };
  };
}
