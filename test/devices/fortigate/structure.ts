/**
 * A small parser of the FortiOS CLI tunnelsmith renders: `config` / `edit` / `set` / `next` / `end` blocks
 * into a tree, then the objects each block defines and references. It reports anything it does not
 * understand (an unknown table or attribute, broken nesting, stray quotes), any reference to an undefined
 * object, any object nobody uses, and any name outside FortiOS' limits.
 */

export interface FortiosEntry {
  name: string;
  line: number;
  settings: Map<string, string[]>;
  tables: FortiosTable[];
}

export interface FortiosTable {
  path: string;
  line: number;
  settings: Map<string, string[]>;
  entries: FortiosEntry[];
}

export type FortiosKind = 'tunnel' | 'phase2' | 'loopback' | 'address' | 'addrgrp' | 'policy' | 'prefix-list' | 'route-map' | 'neighbor' | 'external-interface';

export interface ParsedFortios {
  problems: string[];
  tables: FortiosTable[];
  defined: Map<FortiosKind, Set<string>>;
  references: { kind: FortiosKind | 'address-or-group' | 'interface'; name: string; line: number }[];
  comments: string[];
}

/** Phase1-interface (tunnel interface) names: at most 15 characters (FortiOS CLI Reference; KB FD31562). */
export const FORTIOS_TUNNEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,14}$/;
/** Other names tunnelsmith creates: at most 35 characters (firewall policy, phase2-interface, router static device). */
export const FORTIOS_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,34}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The attributes each table may carry (entries' `set`s), and the nested tables its entries may open. */
const SCHEMA: Record<string, { attributes: string[]; nested?: string[]; tableAttributes?: string[]; tableTables?: string[] }> = {
  'system interface': { attributes: ['vdom', 'type', 'ip', 'allowaccess', 'description', 'tcp-mss'] },
  'vpn ipsec phase1-interface': {
    attributes: ['interface', 'ike-version', 'peertype', 'net-device', 'proposal', 'dhgrp', 'keylife', 'remote-gw', 'local-gw', 'localid-type', 'localid', 'nattraversal', 'dpd', 'dpd-retrycount', 'dpd-retryinterval', 'auto-negotiate', 'authmethod', 'psksecret', 'comments'],
  },
  'vpn ipsec phase2-interface': {
    attributes: ['phase1name', 'proposal', 'pfs', 'dhgrp', 'replay', 'auto-negotiate', 'keylife-type', 'keylifeseconds', 'keylifekbs', 'src-subnet', 'dst-subnet'],
  },
  'firewall address': { attributes: ['subnet', 'comment'] },
  'firewall addrgrp': { attributes: ['member', 'comment'] },
  'firewall policy': { attributes: ['name', 'srcintf', 'dstintf', 'srcaddr', 'dstaddr', 'action', 'schedule', 'service', 'nat', 'logtraffic', 'comments'] },
  'router static': { attributes: ['dst', 'device', 'blackhole', 'distance', 'comment'] },
  'router prefix-list': { attributes: [], nested: ['rule'] },
  'router prefix-list/rule': { attributes: ['action', 'prefix', 'le'] },
  'router route-map': { attributes: [], nested: ['rule'] },
  'router route-map/rule': { attributes: ['action', 'match-ip-address', 'set-local-preference', 'set-aspath-action', 'set-aspath'] },
  'router bgp': { attributes: [], tableAttributes: ['as', 'keepalive-timer', 'holdtime-timer', 'ebgp-multipath'], tableTables: ['neighbor', 'network', 'admin-distance'] },
  'router bgp/neighbor': { attributes: ['remote-as', 'update-source', 'ebgp-enforce-multihop', 'ebgp-multihop-ttl', 'soft-reconfiguration', 'route-map-in', 'route-map-out'] },
  'router bgp/network': { attributes: ['prefix'] },
  'router bgp/admin-distance': { attributes: ['neighbour-prefix', 'distance'] },
};

/** Splits a line into words; a double-quoted word may hold spaces and keeps no quotes. */
export function fortiosWords(line: string): { words: string[]; quoted: boolean[] } | undefined {
  const words: string[] = [];
  const quoted: boolean[] = [];
  const re = /"([^"\\]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(line))) {
    if (line.slice(end, m.index).trim() !== '') return undefined;
    if (m[2]?.includes('"') || m[2]?.includes("'")) return undefined;
    words.push(m[1] ?? m[2]);
    quoted.push(m[1] !== undefined);
    end = re.lastIndex;
  }
  return { words, quoted };
}

/** Parses the file into its tables; then collects definitions and references (`external` names existing interfaces). */
export function parseFortios(text: string, external: { interfaces: string[] }): ParsedFortios {
  const out: ParsedFortios = { problems: [], tables: [], defined: new Map(), references: [], comments: [] };
  const problem = (line: number, msg: string): void => {
    out.problems.push(`line ${line}: ${msg}`);
  };
  /** The open blocks, innermost last: a table, or an entry inside the table before it. */
  const stack: ({ table: FortiosTable; schema: string } | { entry: FortiosEntry; schema: string })[] = [];
  let line = 0;
  for (const raw of text.split('\n')) {
    line++;
    if (raw === '') continue;
    if (/[^\x20-\x7e]/.test(raw)) problem(line, 'contains a character outside printable ASCII');
    if (/\s$/.test(raw)) problem(line, 'has trailing whitespace');
    if (raw.startsWith('#')) {
      out.comments.push(raw);
      continue;
    }
    const depth = stack.length;
    const indent = raw.length - raw.trimStart().length;
    const split = fortiosWords(raw.trim());
    if (!split || split.words.length === 0) {
      problem(line, `cannot split "${raw}" into words`);
      continue;
    }
    const [verb, ...args] = split.words;
    const top = stack[stack.length - 1];
    const expectIndent = (d: number): void => {
      if (indent !== 4 * d) problem(line, `indented ${indent}, expected ${4 * d}`);
    };
    if (verb === 'config') {
      expectIndent(depth);
      const path = args.join(' ');
      let schema: string | undefined;
      if (!top) schema = path;
      else if ('entry' in top && SCHEMA[top.schema]?.nested?.includes(path)) schema = `${top.schema}/${path}`;
      else if ('table' in top && SCHEMA[top.schema]?.tableTables?.includes(path)) schema = `${top.schema}/${path}`;
      if (!schema || !SCHEMA[schema]) {
        problem(line, `unknown table "config ${path}" here`);
        schema = `?${path}`;
      }
      const table: FortiosTable = { path: schema, line, settings: new Map(), entries: [] };
      if (!top) out.tables.push(table);
      else if ('entry' in top) top.entry.tables.push(table);
      else top.table.entries.push({ name: `config ${path}`, line, settings: new Map(), tables: [table] });
      stack.push({ table, schema });
    } else if (verb === 'edit') {
      expectIndent(depth);
      if (!top || !('table' in top)) {
        problem(line, 'edit outside a table');
        continue;
      }
      if (args.length !== 1) problem(line, 'edit takes one name');
      const name = args[0] ?? '';
      if (!split.quoted[1] && !/^\d+$/.test(name)) problem(line, `entry name ${name} should be quoted`);
      const entry: FortiosEntry = { name, line, settings: new Map(), tables: [] };
      top.table.entries.push(entry);
      stack.push({ entry, schema: top.schema });
    } else if (verb === 'set') {
      expectIndent(depth);
      const [attr, ...values] = args;
      if (!top || values.length === 0) {
        problem(line, `stray "${raw.trim()}"`);
        continue;
      }
      const schema = SCHEMA[top.schema];
      const allowed = 'entry' in top ? schema?.attributes : schema?.tableAttributes;
      if (!allowed?.includes(attr)) problem(line, `unknown attribute "${attr}" in ${top.schema}`);
      const settings = 'entry' in top ? top.entry.settings : top.table.settings;
      if (settings.has(attr)) problem(line, `"${attr}" set twice`);
      settings.set(attr, values);
    } else if (verb === 'next') {
      if (!top || !('entry' in top) || args.length) problem(line, 'next without an edit');
      else stack.pop();
      expectIndent(stack.length);
    } else if (verb === 'end') {
      if (!top || !('table' in top) || args.length) problem(line, 'end without a config');
      else stack.pop();
      expectIndent(stack.length);
    } else {
      problem(line, `unknown command "${verb}"`);
    }
  }
  if (stack.length) problem(line, `${stack.length} block(s) left open at the end`);
  collect(out, external);
  return out;
}

/** The entries of every table with this schema path, wherever it sits. */
export function entriesOf(f: Pick<ParsedFortios, 'tables'>, schema: string): FortiosEntry[] {
  const found: FortiosEntry[] = [];
  const walk = (tables: FortiosTable[]): void => {
    for (const t of tables) {
      if (t.path === schema) found.push(...t.entries);
      for (const e of t.entries) walk(e.tables);
    }
  };
  walk(f.tables);
  return found;
}

/** A table's own settings (`config router bgp` / `set as ...`). */
export function tableSettings(f: Pick<ParsedFortios, 'tables'>, schema: string): Map<string, string[]> | undefined {
  return f.tables.find((t) => t.path === schema)?.settings;
}

export const one = (e: FortiosEntry | undefined, attr: string): string | undefined => e?.settings.get(attr)?.join(' ');

function collect(out: ParsedFortios, external: { interfaces: string[] }): void {
  const define = (kind: FortiosKind, name: string, line: number, rule: RegExp = FORTIOS_NAME): void => {
    if (!rule.test(name)) out.problems.push(`line ${line}: ${kind} name "${name}" breaks FortiOS naming rules`);
    const set = out.defined.get(kind) ?? new Set<string>();
    if (set.has(name)) out.problems.push(`line ${line}: ${kind} "${name}" defined twice`);
    out.defined.set(kind, set);
    set.add(name);
  };
  const ref = (kind: ParsedFortios['references'][number]['kind'], name: string | undefined, line: number): void => {
    if (name === undefined) out.problems.push(`line ${line}: missing ${kind} reference`);
    else out.references.push({ kind, name, line });
  };
  const ip = (value: string | undefined, line: number, what: string): void => {
    if (!value || !IPV4.test(value)) out.problems.push(`line ${line}: ${what} "${value}" is not an IPv4 address`);
  };

  for (const e of entriesOf(out, 'vpn ipsec phase1-interface')) {
    define('tunnel', e.name, e.line, FORTIOS_TUNNEL_NAME);
    ref('external-interface', one(e, 'interface'), e.line);
    ip(one(e, 'remote-gw'), e.line, 'remote-gw');
  }
  for (const e of entriesOf(out, 'vpn ipsec phase2-interface')) {
    define('phase2', e.name, e.line);
    ref('tunnel', one(e, 'phase1name'), e.line);
  }
  for (const e of entriesOf(out, 'system interface')) {
    if (one(e, 'type') === 'loopback') define('loopback', e.name, e.line, FORTIOS_TUNNEL_NAME);
    else ref('tunnel', e.name, e.line);
  }
  for (const e of entriesOf(out, 'firewall address')) define('address', e.name, e.line);
  for (const e of entriesOf(out, 'firewall addrgrp')) {
    define('addrgrp', e.name, e.line);
    for (const m of e.settings.get('member') ?? []) ref('address', m, e.line);
  }
  for (const e of entriesOf(out, 'firewall policy')) {
    if (e.name !== '0') out.problems.push(`line ${e.line}: policy "edit ${e.name}" would overwrite an existing policy (use edit 0)`);
    define('policy', one(e, 'name') ?? '', e.line);
    for (const i of [...(e.settings.get('srcintf') ?? []), ...(e.settings.get('dstintf') ?? [])]) ref('interface', i, e.line);
    for (const a of [...(e.settings.get('srcaddr') ?? []), ...(e.settings.get('dstaddr') ?? [])]) ref('address-or-group', a, e.line);
  }
  for (const e of entriesOf(out, 'router static')) {
    if (e.name !== '0') out.problems.push(`line ${e.line}: static route "edit ${e.name}" would overwrite an existing route (use edit 0)`);
    const device = one(e, 'device');
    if (device !== undefined) ref('tunnel', device, e.line);
    else if (one(e, 'blackhole') !== 'enable') out.problems.push(`line ${e.line}: static route with neither device nor blackhole`);
  }
  for (const e of entriesOf(out, 'router prefix-list')) define('prefix-list', e.name, e.line);
  for (const e of entriesOf(out, 'router route-map')) {
    define('route-map', e.name, e.line);
    for (const r of entriesOf({ tables: e.tables }, 'router route-map/rule')) ref('prefix-list', one(r, 'match-ip-address'), r.line);
  }
  for (const e of entriesOf(out, 'router bgp/neighbor')) {
    ip(e.name, e.line, 'neighbor');
    define('neighbor', e.name, e.line, IPV4);
    ref('loopback', one(e, 'update-source'), e.line);
    ref('route-map', one(e, 'route-map-in'), e.line);
    ref('route-map', one(e, 'route-map-out'), e.line);
  }

  for (const e of entriesOf(out, 'router bgp/admin-distance')) {
    if (e.name !== '0') out.problems.push(`line ${e.line}: admin-distance "edit ${e.name}" would overwrite an existing entry (use edit 0)`);
    const [ip, mask] = (one(e, 'neighbour-prefix') ?? '').split(' ');
    if (mask !== '255.255.255.255') out.problems.push(`line ${e.line}: admin-distance neighbour-prefix must be one neighbour (/32), got "${one(e, 'neighbour-prefix')}"`);
    ref('neighbor', ip, e.line);
  }

  const has = (kind: FortiosKind, name: string): boolean => out.defined.get(kind)?.has(name) ?? false;
  const used = new Set<string>();
  for (const r of out.references) {
    let resolved: FortiosKind | undefined;
    if (r.kind === 'interface') resolved = (['tunnel', 'loopback'] as const).find((k) => has(k, r.name)) ?? (external.interfaces.includes(r.name) ? 'external-interface' : undefined);
    else if (r.kind === 'address-or-group') resolved = (['addrgrp', 'address'] as const).find((k) => has(k, r.name));
    else if (r.kind === 'external-interface') resolved = external.interfaces.includes(r.name) ? 'external-interface' : undefined;
    else resolved = has(r.kind, r.name) ? r.kind : undefined;
    if (!resolved) out.problems.push(`line ${r.line}: ${r.kind} "${r.name}" is referenced but never defined`);
    else used.add(`${resolved}:${r.name}`);
  }
  /** Policies, phase 2 entries and BGP neighbors are entry points: FortiOS runs them without a reference. */
  const roots: FortiosKind[] = ['policy', 'phase2', 'neighbor'];
  for (const [kind, names] of out.defined) {
    if (roots.includes(kind)) continue;
    for (const name of names) if (!used.has(`${kind}:${name}`)) out.problems.push(`${kind} "${name}" is defined but never used`);
  }
}
