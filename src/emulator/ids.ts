/** ARM resource ids, names, locations and random values used by the emulator. */
import { randomBytes, randomUUID } from 'node:crypto';

export const NETWORK_API_VERSION = '2025-05-01';

/** Canonical spelling of the Microsoft.Network types the emulator serves (key: lower case). */
export const NETWORK_TYPES: Record<string, string> = {
  virtualnetworks: 'virtualNetworks',
  publicipaddresses: 'publicIPAddresses',
  virtualnetworkgateways: 'virtualNetworkGateways',
  localnetworkgateways: 'localNetworkGateways',
  connections: 'connections',
  expressroutecircuits: 'expressRouteCircuits',
};

export function rgId(sub: string, rg: string): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}`;
}

export function resourceId(sub: string, rg: string, type: string, name: string): string {
  return `${rgId(sub, rg)}/providers/Microsoft.Network/${type}/${name}`;
}

export function keyOf(id: string): string {
  return id.toLowerCase().replace(/\/+$/, '');
}

export interface ParsedResourceId {
  sub: string;
  rg: string;
  /** Canonical type, e.g. `virtualNetworks`. */
  type: string;
  name: string;
  childType?: string;
  childName?: string;
}

/** Parses a Microsoft.Network resource id (top level or one child level); undefined if it is not one. */
export function parseResourceId(id: unknown): ParsedResourceId | undefined {
  if (typeof id !== 'string') return undefined;
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/([^/]+)\/([^/]+)(?:\/([^/]+)\/([^/]+))?\/?$/i.exec(
    id.trim(),
  );
  if (!m) return undefined;
  const type = NETWORK_TYPES[m[3].toLowerCase()] ?? m[3];
  return { sub: m[1], rg: m[2], type, name: m[4], childType: m[5], childName: m[6] };
}

/** `East US` -> `eastus`, as ARM answers locations. */
export function normalizeLocation(loc: unknown): string {
  return typeof loc === 'string' ? loc.replace(/\s+/g, '').toLowerCase() : '';
}

export function newGuid(): string {
  return randomUUID();
}

export function newEtag(): string {
  return `W/"${randomUUID()}"`;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random key of letters and digits (what Azure generates for a connection or a reset). */
export function randomAlnum(length: number): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; out.length < length; i++) {
    const b = bytes[i % bytes.length];
    if (b < 248) out += ALNUM[b % 62];
    if (i >= bytes.length - 1 && out.length < length) return out + randomAlnum(length - out.length);
  }
  return out;
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** A small seeded PRNG (mulberry32): same seed, same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
