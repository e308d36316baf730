/**
 * Keeps as much of an invalid section as the rules can still check: the fields that fail the schema are
 * dropped and the section is parsed again. A site with one bad device option still has its prefixes,
 * BGP and policy checked. The result only feeds the rules; the Hub is built from a clean parse. Pure.
 */
import type { PathSegment } from './paths';

interface SafeParser<T> {
  safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { code: string; path: PropertyKey[]; keys?: string[] }[] } };
}

/** Record-valued fields where a single bad entry is dropped instead of the whole field. */
const RECORD_FIELDS = new Set(['deviceOptions']);

/** The section parsed as-is, or with its failing fields removed; undefined when even that fails. */
export function salvageSection<T>(schema: SafeParser<T>, value: unknown): T | undefined {
  const first = schema.safeParse(value);
  if (first.success) return first.data;
  if (!isPlainObject(value)) return undefined;
  let pruned: unknown = value;
  for (const issue of first.error.issues) {
    const path = issue.path.filter((s): s is PathSegment => typeof s === 'string' || typeof s === 'number');
    if (issue.code === 'unrecognized_keys' && path.every((seg) => typeof seg === 'string')) {
      for (const key of issue.keys ?? []) pruned = without(pruned, [...path, key]);
    } else if (path.length > 0) {
      const depth = typeof path[0] === 'string' && RECORD_FIELDS.has(path[0]) && path.length > 1 ? 2 : 1;
      pruned = without(pruned, path.slice(0, depth));
    }
  }
  const second = schema.safeParse(pruned);
  return second.success ? second.data : undefined;
}

/** A copy of `root` without the value at `path` (objects along the path are copied, never mutated). */
function without(root: unknown, path: readonly PathSegment[]): unknown {
  if (path.length === 0 || !isPlainObject(root)) return root;
  const [head, ...rest] = path;
  if (typeof head !== 'string' || !Object.prototype.hasOwnProperty.call(root, head)) return root;
  const copy: Record<string, unknown> = { ...root };
  if (rest.length === 0) delete copy[head];
  else copy[head] = without(copy[head], rest);
  return copy;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
