/**
 * Mutations for property tests over input files (hub files, facts files): set a random leaf to a random
 * value, delete it, add an unknown key, or append a character that could inject a config line.
 */
import fc from 'fast-check';

type Path = (string | number)[];

function allPaths(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...allPaths(v, [...prefix, k])]);
}

export const INJECTIONS = ['\n', '\r', '"', "'", '\\', '{', '}', ';', '{{', '{%', '`', '$(', '\u0000', ' ', '?'];

/** Strings that look right, strings that carry an injection, and plain noise. */
export const strings = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.tuple(fc.string({ maxLength: 10 }), fc.constantFrom(...INJECTIONS), fc.string({ maxLength: 10 })).map((p) => p.join('')),
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/),
  fc.stringMatching(/^[a-z0-9-]{1,12}$/),
  fc.constantFrom('10.0.0.0/8', '172.16.0.0/12', '203.0.113.7', '169.254.21.9', 'VpnGw1', 'GCMAES256', 'azure-default', 'cisco-ios', 'juniper-srx'),
);
export const values: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: strings },
  { weight: 2, arbitrary: fc.integer({ min: -10, max: 5_000_000_000 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, undefined, [], {}, 65010, 65515, 8074, 64512) },
  { weight: 1, arbitrary: fc.array(strings, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(strings, strings, { maxKeys: 2 }) },
);

export type Mutation =
  | { kind: 'set'; pick: number; value: unknown }
  | { kind: 'delete'; pick: number }
  | { kind: 'addKey'; pick: number; key: string; value: unknown }
  | { kind: 'suffix'; pick: number; text: string };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), pick: fc.nat(), value: values }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('addKey' as const), pick: fc.nat(), key: strings, value: values }),
  fc.record({ kind: fc.constant('suffix' as const), pick: fc.nat(), text: fc.constantFrom(...INJECTIONS) }),
);

export function apply(root: any, m: Mutation): void {
  const paths = allPaths(root);
  if (paths.length === 0) return;
  const path = paths[m.pick % paths.length];
  const parent = path.slice(0, -1).reduce((o: any, k) => o[k], root);
  const key = path[path.length - 1];
  switch (m.kind) {
    case 'set': parent[key] = m.value; break;
    case 'delete': if (Array.isArray(parent)) parent.splice(Number(key), 1); else delete parent[key]; break;
    case 'addKey': {
      const target = parent[key];
      if (target && typeof target === 'object' && !Array.isArray(target)) target[m.key] = m.value;
      break;
    }
    case 'suffix': if (typeof parent[key] === 'string') parent[key] = `${parent[key]}${m.text}`; break;
  }
}
