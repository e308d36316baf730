/** Small comparisons the kinds' diffs share. Pure. */
import { parseCidr, type Cidr } from '../../net/ipv4';

/** Azure writes regions as `centralus` or `Central US`. */
export function normLocation(l: string): string {
  return l.replace(/\s+/g, '').toLowerCase();
}

/** Same members, ignoring case, order and repeats. */
export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a.map((s) => s.toLowerCase()))].sort();
  const y = [...new Set(b.map((s) => s.toLowerCase()))].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** `[a, b]`, as the changes print lists. */
export function list(a: readonly string[]): string {
  return `[${a.join(', ')}]`;
}

export function cidrOf(text: string): Cidr | undefined {
  const p = parseCidr(text);
  return p.ok ? p.cidr : undefined;
}

/** The last segment of an ARM id (the resource's name), or the text itself. */
export function shortId(id: string): string {
  return id.split('/').filter(Boolean).slice(-1)[0] ?? id;
}
