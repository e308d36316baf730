/** Paths into the hub file (`sites[1].bgp.asn`) and safe display of user values in messages. Pure. */

export type PathSegment = string | number;

/** The path used for problems about the whole file (readHub replaces it with the file name). */
export const ROOT_PATH = '(top level)';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['sites', 1, 'bgp', 'asn']` -> `sites[1].bgp.asn`; odd keys are quoted and clipped. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENTIFIER.test(seg) && seg.length <= 64) out += out ? `.${seg}` : seg;
    else out += `[${quoteKey(seg)}]`;
  }
  return out || ROOT_PATH;
}

/** Parses a path made by `formatPath` back into segments (quoted keys included). */
export function parsePath(path: string): PathSegment[] {
  if (path === ROOT_PATH) return [];
  const out: PathSegment[] = [];
  const re = /([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(JSON.parse(m[3]) as string);
  }
  return out;
}

/** A key from the file, quoted for a message: JSON-escaped (no raw newline or control character) and clipped. */
export function quoteKey(key: string): string {
  return JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}...` : key);
}

/** The value at `path` inside plain data, or undefined (own properties only). */
export function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
    cur = (cur as Record<PathSegment, unknown>)[seg];
  }
  return cur;
}

const DISPLAYABLE = /^[A-Za-z0-9 ._:/+-]{1,40}$/;

/**
 * A user value shown in a message only when it is short and harmless (an enum typo such as "VpnGw1az");
 * otherwise undefined. Never call this for secret fields.
 */
export function displayValue(value: unknown): string | undefined {
  if (typeof value === 'string') return DISPLAYABLE.test(value) ? `"${value}"` : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/** A short name of a value's type for messages: "a string", "a list", ... */
export function describeType(value: unknown): string {
  if (value === null) return 'empty (null)';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string': return 'a string';
    case 'number': return Number.isFinite(value) ? (Number.isInteger(value) ? 'a whole number' : 'a number with a fraction') : 'not a finite number';
    case 'boolean': return 'true/false';
    case 'object': return 'a map of keys';
    default: return typeof value;
  }
}
