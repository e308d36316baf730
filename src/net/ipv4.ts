/** IPv4 address and CIDR helpers over `ip-address`. Pure. */
import { Address4 } from 'ip-address';

export interface Cidr {
  /** Normalized text, e.g. `10.200.0.0/16`. */
  text: string;
  network: string;
  prefixLength: number;
  /** First and last address as integers. */
  start: number;
  end: number;
}

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** True for a plain dotted-quad IPv4 address (no prefix, no leading zeros). */
export function isIpv4(value: unknown): value is string {
  return typeof value === 'string' && DOTTED.test(value) && Address4.isValid(value);
}

/**
 * The address as an integer, from its four octets (an `Address4` built for this cost five times as
 * much, and a 1,000-site render calls this for every address it checks or prints). Throws on anything
 * but a dotted quad of octets up to 255: callers pass addresses validation accepted.
 */
export function ipToInt(ip: string): number {
  const m = DOTTED.exec(ip);
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m?.[i]);
    if (!(octet <= 255)) throw new Error(`not an IPv4 address: ${clip(ip)}`);
    n = n * 256 + octet;
  }
  return n;
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

export type CidrParse = { ok: true; cidr: Cidr } | { ok: false; reason: string };

/** Parses `a.b.c.d/n`; refuses host bits set, a missing prefix length and anything not IPv4. */
export function parseCidr(value: unknown): CidrParse {
  if (typeof value !== 'string') return { ok: false, reason: 'is not a string' };
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(value);
  if (!m || !isIpv4(m[1])) return { ok: false, reason: `"${clip(value)}" is not an IPv4 prefix like 10.0.0.0/16` };
  const prefixLength = Number(m[2]);
  if (prefixLength > 32) return { ok: false, reason: `prefix length /${prefixLength} is larger than /32` };
  const addr = ipToInt(m[1]);
  const size = 2 ** (32 - prefixLength);
  const start = addr - (addr % size);
  if (start !== addr) {
    return { ok: false, reason: `${value} has host bits set; the network is ${intToIp(start)}/${prefixLength}` };
  }
  return { ok: true, cidr: { text: `${m[1]}/${prefixLength}`, network: m[1], prefixLength, start, end: start + size - 1 } };
}

/** Parses a CIDR that validation already accepted. Throws on invalid input (a bug upstream). */
export function cidr(value: string): Cidr {
  const r = parseCidr(value);
  if (!r.ok) throw new Error(`invalid CIDR reached the core: ${r.reason}`);
  return r.cidr;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.start <= b.end && b.start <= a.end;
}

export function containsCidr(outer: Cidr, inner: Cidr): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

export function containsIp(outer: Cidr, ip: string): boolean {
  const n = ipToInt(ip);
  return outer.start <= n && n <= outer.end;
}

/** Dotted netmask for a prefix length, e.g. 24 -> 255.255.255.0. */
export function netmask(prefixLength: number): string {
  return intToIp(prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0);
}

/** Cisco wildcard mask for a prefix length, e.g. 24 -> 0.0.0.255. */
export function wildcard(prefixLength: number): string {
  return intToIp(prefixLength === 32 ? 0 : (0xffffffff >>> prefixLength) >>> 0);
}

/** Azure's APIPA range for custom BGP addresses: 169.254.21.0 - 169.254.22.255. */
export const AZURE_APIPA_RANGE = { start: ipToInt('169.254.21.0'), end: ipToInt('169.254.22.255') };

export function isLinkLocal(ip: string): boolean {
  return ip.startsWith('169.254.');
}

export function isAzureApipa(ip: string): boolean {
  const n = ipToInt(ip);
  return AZURE_APIPA_RANGE.start <= n && n <= AZURE_APIPA_RANGE.end;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}
