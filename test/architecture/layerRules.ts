/**
 * The layer rule of the shared design notes ("The next shape", allowed imports), checked on an import
 * graph: a folder imports from its own level and the levels below; devices never import one another;
 * within azure, client is the bottom, resources import client, deploy imports client and resources;
 * the emulator stands apart (only cli may start it); and no import circle anywhere.
 */
import type { ImportEdge } from './importGraph';

/** Level of each top-level entry of src/ (a file or a folder). */
export const LEVELS: Readonly<Record<string, number>> = {
  cli: 7,
  app: 6,
  azure: 5,
  rotation: 5,
  keyvault: 5,
  io: 4,
  bundle: 3,
  render: 2,
  devices: 1,
  hub: 0,
  policy: 0,
  facts: 0,
  net: 0,
  util: 0,
  'errors.ts': 0,
  'version.ts': 0,
};

/** Stands apart: imports nothing from the rest of src/, and only these areas import it. */
export const APART = 'emulator';
export const MAY_IMPORT_APART: readonly string[] = ['cli'];

/** Files outside src/ that src/ may read (the version). */
export const OUTSIDE_ALLOWED: readonly string[] = ['../package.json'];

/**
 * Within azure/, what each part may import from azure/ (besides itself). `top` is everything directly in
 * azure/ (read-back, verify, import, shared keys, events), which may import every part.
 */
export const AZURE_PARTS: Readonly<Record<string, readonly string[]>> = {
  client: [],
  resources: ['client'],
  deploy: ['client', 'resources'],
};

export interface Violation {
  rule: string;
  message: string;
}

/** The top-level entry of a src-relative path: `azure/deploy/apply.ts` -> `azure`, `errors.ts` -> `errors.ts`. */
export function areaOf(file: string): string {
  return file.split('/')[0];
}

const levelName = (area: string) => `${area} (${LEVELS[area] ?? '?'})`;
const where = (e: ImportEdge) => `src/${e.from}:${e.line} -> ${e.to === null || e.to === undefined ? e.specifier : `src/${e.to}`}`;

/** The part of azure/ a file is in: client, resources, deploy, or top. */
function azurePart(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 && parts[1] in AZURE_PARTS ? parts[1] : 'top';
}

/** The part of devices/ a file is in: `kit`, a device id, or `top` (the registry). */
function devicePart(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? parts[1] : 'top';
}

/**
 * Every import that breaks the layer rule, one message each naming the file, line, target and levels.
 * `exceptions` are `from -> to` pairs (src-relative) tolerated for now; they are reported by
 * `unusedExceptions` once they no longer occur.
 */
export function layerViolations(edges: readonly ImportEdge[], exceptions: ReadonlySet<string> = new Set()): Violation[] {
  const out: Violation[] = [];
  for (const e of edges) {
    if (e.to === undefined) continue;
    if (e.to === null) {
      out.push({ rule: 'resolves', message: `${where(e)}: the relative module names no file` });
      continue;
    }
    if (e.to.startsWith('../')) {
      if (!OUTSIDE_ALLOWED.includes(e.to)) out.push({ rule: 'inside src', message: `${where(e)}: src/ imports from outside src/` });
      continue;
    }
    if (exceptions.has(`${e.from} -> ${e.to}`)) continue;
    const from = areaOf(e.from);
    const to = areaOf(e.to);
    if (from === APART || to === APART) {
      if (from === APART && to !== APART) out.push({ rule: 'emulator apart', message: `${where(e)}: ${APART} imports nothing from the rest of src/` });
      if (to === APART && from !== APART && !MAY_IMPORT_APART.includes(from)) out.push({ rule: 'emulator apart', message: `${where(e)}: only ${MAY_IMPORT_APART.join(', ')} may import ${APART}, not ${from}` });
      continue;
    }
    const unknown = [from, to].filter((a) => !(a in LEVELS));
    if (unknown.length > 0) {
      out.push({ rule: 'level table', message: `${where(e)}: ${unknown.join(', ')} has no level in the layer table` });
      continue;
    }
    if (LEVELS[from] < LEVELS[to]) {
      const hubDevices = from === 'hub' && to === 'devices' ? ' (hub never imports devices: capabilities reach validation as a parameter)' : '';
      out.push({ rule: 'levels', message: `${where(e)}: ${levelName(from)} imports ${levelName(to)}, a higher level${hubDevices}` });
      continue;
    }
    if (from === 'devices' && to === 'devices') {
      const a = devicePart(e.from);
      const b = devicePart(e.to);
      if (a !== b && a !== 'top' && b !== 'kit') {
        const what = a === 'kit' ? 'devices/kit imports no device and not the registry' : `devices/${a} imports devices/kit and lower, never ${b === 'top' ? 'the registry' : `another device (devices/${b})`}`;
        out.push({ rule: 'devices', message: `${where(e)}: ${what}` });
      }
    }
    if (from === 'azure' && to === 'azure') {
      const a = azurePart(e.from);
      const b = azurePart(e.to);
      if (a !== b && a !== 'top' && !AZURE_PARTS[a].includes(b)) {
        const allowed = AZURE_PARTS[a].length > 0 ? `only azure/${AZURE_PARTS[a].join(' and azure/')}` : 'nothing else';
        out.push({ rule: 'azure parts', message: `${where(e)}: within azure, azure/${a} imports ${allowed}, not ${b === 'top' ? 'azure/ itself' : `azure/${b}`}` });
      }
    }
  }
  return out;
}

/** Exceptions that no import uses any more (each should be removed from the list). */
export function unusedExceptions(edges: readonly ImportEdge[], exceptions: ReadonlySet<string>): string[] {
  const used = new Set(edges.filter((e) => typeof e.to === 'string').map((e) => `${e.from} -> ${e.to}`));
  return [...exceptions].filter((x) => !used.has(x));
}

/**
 * Every import circle, one per strongly connected component of the graph (Tarjan), each given as one
 * concrete cycle `a -> b -> ... -> a` through files of the component, starting at its first file by name.
 */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    if (typeof e.to !== 'string' || e.to.startsWith('../')) continue;
    if (!next.has(e.from)) next.set(e.from, new Set());
    next.get(e.from)!.add(e.to);
    if (!next.has(e.to)) next.set(e.to, new Set());
  }
  const nodes = [...next.keys()].sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  const strongConnect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of [...next.get(v)!].sort()) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || next.get(v)!.has(v)) components.push(component.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) strongConnect(v);
  return components.map((component) => cycleThrough(component, next)).sort((a, b) => a[0].localeCompare(b[0]));
}

/** A shortest cycle from the component's first file back to itself, staying inside the component. */
function cycleThrough(component: string[], next: Map<string, Set<string>>): string[] {
  const inside = new Set(component);
  const start = component[0];
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of [...next.get(v)!].sort()) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let at: string | undefined = v; at !== undefined && at !== start; at = cameFrom.get(at)) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!cameFrom.has(w)) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...component, start];
}
