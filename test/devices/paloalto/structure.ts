/**
 * A small parser of the PAN-OS `set` commands tunnelsmith renders: it knows every statement the template may
 * emit, collects the objects each defines and references, and reports anything it does not understand, any
 * reference to an undefined object, any object nobody uses, any interface left out of the vsys import, the
 * zone or the virtual router, and any name outside PAN-OS' rules.
 */

export type PanosKind =
  | 'ike-profile'
  | 'ipsec-profile'
  | 'gateway'
  | 'management-profile'
  | 'tunnel-interface'
  | 'loopback-interface'
  | 'ipsec-tunnel'
  | 'zone'
  | 'address'
  | 'address-group'
  | 'rule'
  | 'static-route'
  | 'peer-group'
  | 'peer'
  | 'import-rule'
  | 'export-rule'
  | 'redist-profile';

type RefKind = PanosKind | 'external-interface' | 'external-zone' | 'interface' | 'address-or-group';

export interface PanosGateway {
  version?: string;
  ikeProfile?: string;
  dpd?: string;
  dpdInterval?: number;
  localInterface?: string;
  peerAddress?: string;
  key?: string;
  localIdType?: string;
  localId?: string;
  peerIdType?: string;
  peerId?: string;
  natTraversal?: string;
}

export interface PanosBgpRule {
  usedBy?: string;
  prefixes: { prefix: string; exact: string }[];
  action?: string;
  localPreference?: number;
  prepend?: number;
}

export interface ParsedPanos {
  problems: string[];
  defined: Map<PanosKind, Set<string>>;
  references: { kind: RefKind; name: string; line: number }[];
  ikeProfiles: Map<string, Record<string, string>>;
  ipsecProfiles: Map<string, Record<string, string>>;
  gateways: Map<string, PanosGateway>;
  managementProfiles: Map<string, string[]>;
  tunnelInterfaces: Map<string, Record<string, string>>;
  loopbackInterfaces: Map<string, Record<string, string>>;
  ipsecTunnels: Map<string, Record<string, string>>;
  imported: string[];
  zones: Map<string, string[]>;
  virtualRouters: Map<string, string[]>;
  addresses: Map<string, string>;
  addressGroups: Map<string, string[]>;
  rules: Map<string, Record<string, string>>;
  staticRoutes: Map<string, Record<string, string>>;
  bgp: Record<string, string>;
  /** The virtual router's own settings: `admin-dists <protocol>`, `ecmp <setting>`. */
  routerSettings: Record<string, string>;
  peerGroups: Map<string, Record<string, string>>;
  peers: Map<string, Record<string, string>>;
  importRules: Map<string, PanosBgpRule>;
  exportRules: Map<string, PanosBgpRule>;
  redistProfiles: Map<string, Record<string, string>>;
  redistRules: Map<string, Record<string, string>>;
  comments: string[];
}

/** Names tunnelsmith creates: a letter, then letters, digits, `.`, `_` and `-`; at most 31 characters. */
export const PANOS_NAME = /^[A-Za-z][A-Za-z0-9._-]{0,30}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const PREFIX = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/;
const TUNNEL_UNIT = /^tunnel\.([1-9]\d{0,3})$/;
const LOOPBACK_UNIT = /^loopback\.([1-9]\d{0,3})$/;

/** Splits a `set` line into words; a double-quoted word may hold spaces and keeps no quotes. */
export function panosWords(line: string): { words: string[]; quoted: boolean[] } | undefined {
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

/** `a` or `[ a b ]` as a list; undefined when the words are neither. */
function listOf(w: string[]): string[] | undefined {
  if (w.length === 1 && w[0] !== '[' && w[0] !== ']') return w;
  if (w.length >= 4 && w[0] === '[' && w[w.length - 1] === ']' && !w.slice(1, -1).some((x) => x === '[' || x === ']')) return w.slice(1, -1);
  return undefined;
}

/** Parses rendered PAN-OS set commands. `external` lists the zones, interfaces and virtual router that exist already. */
export function parsePanos(text: string, external: { zones: string[]; interfaces: string[]; virtualRouter: string }): ParsedPanos {
  const out: ParsedPanos = {
    problems: [],
    defined: new Map(),
    references: [],
    ikeProfiles: new Map(),
    ipsecProfiles: new Map(),
    gateways: new Map(),
    managementProfiles: new Map(),
    tunnelInterfaces: new Map(),
    loopbackInterfaces: new Map(),
    ipsecTunnels: new Map(),
    imported: [],
    zones: new Map(),
    virtualRouters: new Map(),
    addresses: new Map(),
    addressGroups: new Map(),
    rules: new Map(),
    staticRoutes: new Map(),
    bgp: {},
    routerSettings: {},
    peerGroups: new Map(),
    peers: new Map(),
    importRules: new Map(),
    exportRules: new Map(),
    redistProfiles: new Map(),
    redistRules: new Map(),
    comments: [],
  };
  let line = 0;
  const problem = (msg: string): void => {
    out.problems.push(`line ${line}: ${msg}`);
  };
  const define = (kind: PanosKind, name: string, rule: RegExp = PANOS_NAME): void => {
    if (!rule.test(name)) problem(`${kind} name "${name}" breaks PAN-OS naming rules`);
    const set = out.defined.get(kind) ?? new Set<string>();
    out.defined.set(kind, set);
    set.add(name);
  };
  const ref = (kind: RefKind, name: string): void => {
    out.references.push({ kind, name, line });
  };
  const record = <T extends Record<string, string>>(map: Map<string, T>, name: string): T => {
    const r = map.get(name) ?? ({} as T);
    map.set(name, r);
    return r;
  };
  const put = (r: Record<string, string>, key: string, value: string): void => {
    if (key in r) problem(`"${key}" set twice`);
    r[key] = value;
  };
  const check = (ok: boolean, what: string): void => {
    if (!ok) problem(what);
  };
  const refInterface = (name: string): void => {
    if (TUNNEL_UNIT.test(name)) ref('tunnel-interface', name);
    else if (LOOPBACK_UNIT.test(name)) ref('loopback-interface', name);
    else ref('external-interface', name);
  };

  for (const raw of text.split('\n')) {
    line++;
    if (raw === '') continue;
    if (/[^\x20-\x7e]/.test(raw)) problem('contains a character outside printable ASCII');
    if (/\s$/.test(raw)) problem('has trailing whitespace');
    if (raw.startsWith('#')) {
      out.comments.push(raw);
      continue;
    }
    const split = panosWords(raw);
    if (!split || split.words[0] !== 'set') {
      problem(`not a set command: "${raw}"`);
      continue;
    }
    const w = split.words.slice(1);
    const path = w.join(' ');
    const unknown = (): void => problem(`unrecognized statement "${path}"`);
    const quotedIndexes = split.quoted.flatMap((q, i) => (q ? [i - 1] : []));
    const quotedOk = (i: number): boolean => quotedIndexes.length === 1 && quotedIndexes[0] === i && i === w.length - 1;
    const isKey = w[0] === 'network' && w[1] === 'ike' && w[2] === 'gateway' && w[4] === 'authentication';
    const isDescription = w[w.length - 2] === 'description';
    if (quotedIndexes.length > 0 && !((isKey || isDescription) && quotedOk(w.length - 1))) problem('quoted word where none belongs');
    if ((isKey || isDescription) && !quotedOk(w.length - 1)) problem('a key or description must be one quoted word');

    const vr = w[0] === 'network' && w[1] === 'virtual-router' ? w[2] : undefined;
    if (vr !== undefined && vr !== external.virtualRouter) problem(`virtual router "${vr}" is not the one configured`);
    const v = vr !== undefined ? w.slice(3) : [];

    if (path.startsWith('network ike crypto-profiles ike-crypto-profiles ')) {
      const name = w[4];
      define('ike-profile', name);
      const r = record(out.ikeProfiles, name);
      const rest = w.slice(5);
      if (['encryption', 'hash', 'dh-group'].includes(rest[0]) && rest.length === 2) put(r, rest[0], rest[1]);
      else if (rest[0] === 'lifetime' && rest.length === 3) put(r, 'lifetime', `${rest[1]} ${rest[2]}`);
      else unknown();
    } else if (path.startsWith('network ike crypto-profiles ipsec-crypto-profiles ')) {
      const name = w[4];
      define('ipsec-profile', name);
      const r = record(out.ipsecProfiles, name);
      const rest = w.slice(5);
      if (rest[0] === 'esp' && ['encryption', 'authentication'].includes(rest[1]) && rest.length === 3) put(r, `esp ${rest[1]}`, rest[2]);
      else if (rest[0] === 'dh-group' && rest.length === 2) put(r, 'dh-group', rest[1]);
      else if ((rest[0] === 'lifetime' || rest[0] === 'lifesize') && rest.length === 3) put(r, rest[0], `${rest[1]} ${rest[2]}`);
      else unknown();
    } else if (path.startsWith('network ike gateway ')) {
      const name = w[3];
      define('gateway', name);
      const g = out.gateways.get(name) ?? {};
      out.gateways.set(name, g);
      const rest = w.slice(4).join(' ');
      const last = w[w.length - 1];
      if (rest === 'protocol version ikev2') g.version = 'ikev2';
      else if (rest.startsWith('protocol ikev2 ike-crypto-profile ') && w.length === 8) {
        g.ikeProfile = last;
        ref('ike-profile', last);
      } else if (rest === 'protocol ikev2 dpd enable yes') g.dpd = 'yes';
      else if (rest.startsWith('protocol ikev2 dpd interval ') && w.length === 9) g.dpdInterval = Number(last);
      else if (rest.startsWith('local-address interface ') && w.length === 7) {
        g.localInterface = last;
        ref('external-interface', last);
      } else if (rest.startsWith('peer-address ip ') && w.length === 7) g.peerAddress = last;
      else if (rest.startsWith('authentication pre-shared-key key ') && w.length === 8) g.key = last;
      else if (rest.startsWith('local-id type ') && w.length === 7) g.localIdType = last;
      else if (rest.startsWith('local-id id ') && w.length === 7) g.localId = last;
      else if (rest.startsWith('peer-id type ') && w.length === 7) g.peerIdType = last;
      else if (rest.startsWith('peer-id id ') && w.length === 7) g.peerId = last;
      else if (rest === 'protocol-common nat-traversal enable yes') g.natTraversal = 'yes';
      else unknown();
      for (const ip of [g.peerAddress, g.localId, g.peerId]) if (ip !== undefined) check(IPV4.test(ip), `gateway ${name}: "${ip}" is not an IPv4 address`);
    } else if (path.startsWith('network profiles interface-management-profile ') && w.length === 6 && w[5] === 'yes') {
      define('management-profile', w[3]);
      out.managementProfiles.set(w[3], [...(out.managementProfiles.get(w[3]) ?? []), w[4]]);
    } else {
      handleRest();
    }

    function handleRest(): void {
      if (path.startsWith('network interface tunnel units ') || path.startsWith('network interface loopback units ')) {
        const loop = w[2] === 'loopback';
        const unit = w[4];
        define(loop ? 'loopback-interface' : 'tunnel-interface', unit, loop ? LOOPBACK_UNIT : TUNNEL_UNIT);
        const r = record(loop ? out.loopbackInterfaces : out.tunnelInterfaces, unit);
        const rest = w.slice(5);
        if (rest.length !== 2) return unknown();
        if (rest[0] === 'comment') {
          check(/^[A-Za-z0-9._-]+$/.test(rest[1]), `comment "${rest[1]}" needs quoting`);
          put(r, 'comment', rest[1]);
        } else if (rest[0] === 'mtu' && !loop) put(r, 'mtu', rest[1]);
        else if (rest[0] === 'ip' && loop) {
          check(PREFIX.test(rest[1]), `loopback ip "${rest[1]}" is not a prefix`);
          put(r, 'ip', rest[1]);
        } else if (rest[0] === 'interface-management-profile') {
          put(r, 'interface-management-profile', rest[1]);
          ref('management-profile', rest[1]);
        } else unknown();
      } else if (path.startsWith('network tunnel ipsec ')) {
        const name = w[3];
        define('ipsec-tunnel', name);
        const r = record(out.ipsecTunnels, name);
        const rest = w.slice(4);
        if (rest[0] === 'auto-key' && rest[1] === 'ike-gateway' && rest.length === 3) {
          put(r, 'ike-gateway', rest[2]);
          ref('gateway', rest[2]);
        } else if (rest[0] === 'auto-key' && rest[1] === 'ipsec-crypto-profile' && rest.length === 3) {
          put(r, 'ipsec-crypto-profile', rest[2]);
          ref('ipsec-profile', rest[2]);
        } else if (rest[0] === 'tunnel-interface' && rest.length === 2 && TUNNEL_UNIT.test(rest[1])) {
          put(r, 'tunnel-interface', rest[1]);
          ref('tunnel-interface', rest[1]);
        } else if (rest[0] === 'anti-replay' && rest.length === 2) put(r, 'anti-replay', rest[1]);
        else unknown();
      } else if (path.startsWith('import network interface ')) {
        const list = listOf(w.slice(3));
        if (!list) return unknown();
        out.imported.push(...list);
        list.forEach(refInterface);
      } else if (w[0] === 'zone' && w[2] === 'network' && w[3] === 'layer3') {
        const list = listOf(w.slice(4));
        if (!list) return unknown();
        define('zone', w[1]);
        out.zones.set(w[1], [...(out.zones.get(w[1]) ?? []), ...list]);
        list.forEach(refInterface);
      } else if (vr !== undefined && v[0] === 'admin-dists' && ['ebgp', 'ibgp', 'static', 'ospf-int', 'ospf-ext', 'rip'].includes(v[1]) && v.length === 3) {
        const n = Number(v[2]);
        check(Number.isInteger(n) && n >= 10 && n <= 240, `admin-dists ${v[1]} ${v[2]} is outside 10..240`);
        put(out.routerSettings, `admin-dists ${v[1]}`, v[2]);
      } else if (vr !== undefined && v[0] === 'ecmp' && ['enable', 'max-path'].includes(v[1]) && v.length === 3) {
        if (v[1] === 'max-path') check(['2', '3', '4'].includes(v[2]), `ecmp max-path ${v[2]} is outside 2..4`);
        put(out.routerSettings, `ecmp ${v[1]}`, v[2]);
      } else if (vr !== undefined && v[0] === 'interface') {
        const list = listOf(v.slice(1));
        if (!list) return unknown();
        out.virtualRouters.set(vr, [...(out.virtualRouters.get(vr) ?? []), ...list]);
        list.forEach(refInterface);
      } else if (w[0] === 'address' && w.length === 4) {
        define('address', w[1]);
        if (w[2] === 'ip-netmask') {
          check(PREFIX.test(w[3]), `address ${w[1]}: "${w[3]}" is not a prefix`);
          out.addresses.set(w[1], w[3]);
        } else if (w[2] !== 'description') unknown();
      } else if (w[0] === 'address-group' && w[2] === 'static') {
        const list = listOf(w.slice(3));
        if (!list) return unknown();
        define('address-group', w[1]);
        out.addressGroups.set(w[1], list);
        list.forEach((a) => ref('address', a));
      } else if (path.startsWith('rulebase security rules ')) {
        const name = w[3];
        define('rule', name);
        const r = record(out.rules, name);
        const rest = w.slice(4);
        const value = rest.slice(1);
        if ((rest[0] === 'from' || rest[0] === 'to') && value.length === 1) {
          put(r, rest[0], value[0]);
          ref('zone', value[0]);
        } else if ((rest[0] === 'source' || rest[0] === 'destination') && value.length === 1) {
          put(r, rest[0], value[0]);
          ref('address-or-group', value[0]);
        } else if (rest[0] === 'application' && listOf(value)) put(r, 'application', listOf(value)!.join(' '));
        else if ((rest[0] === 'service' || rest[0] === 'action' || rest[0] === 'description') && value.length === 1) put(r, rest[0], value[0]);
        else unknown();
      } else if (vr !== undefined && v[0] === 'routing-table' && v[1] === 'ip' && v[2] === 'static-route') {
        const name = v[3];
        define('static-route', name);
        const r = record(out.staticRoutes, name);
        const rest = v.slice(4);
        if (rest.length !== 2) return unknown();
        if (rest[0] === 'destination') {
          check(PREFIX.test(rest[1]), `route ${name}: "${rest[1]}" is not a prefix`);
          put(r, 'destination', rest[1]);
        } else if (rest[0] === 'interface') {
          put(r, 'interface', rest[1]);
          refInterface(rest[1]);
        } else if (rest[0] === 'nexthop' && rest[1] === 'discard') put(r, 'nexthop', 'discard');
        else if (rest[0] === 'metric' || rest[0] === 'admin-dist') put(r, rest[0], rest[1]);
        else unknown();
      } else if (vr !== undefined && v[0] === 'protocol' && v[1] === 'bgp') {
        bgpStatement(v.slice(2));
      } else if (vr !== undefined && v[0] === 'protocol' && v[1] === 'redist-profile') {
        const name = v[2];
        define('redist-profile', name);
        const r = record(out.redistProfiles, name);
        const rest = v.slice(3);
        if (rest[0] === 'priority' && rest.length === 2) put(r, 'priority', rest[1]);
        else if (rest[0] === 'filter' && rest[1] === 'type' && listOf(rest.slice(2))) put(r, 'filter type', listOf(rest.slice(2))!.join(' '));
        else if (rest[0] === 'filter' && rest[1] === 'destination' && listOf(rest.slice(2))) put(r, 'filter destination', listOf(rest.slice(2))!.join(' '));
        else if (rest[0] === 'action' && rest.length === 2) put(r, 'action', rest[1]);
        else unknown();
      } else {
        unknown();
      }
    }

    function bgpStatement(b: string[]): void {
      const joined = b.join(' ');
      if (b.length === 2 && ['enable', 'router-id', 'local-as', 'install-route'].includes(b[0])) put(out.bgp, b[0], b[1]);
      else if (joined.startsWith('routing-options as-format ') && b.length === 3) put(out.bgp, 'as-format', b[2]);
      else if (b[0] === 'peer-group' && b[2] === 'peer') {
        const group = b[1];
        const name = b[3];
        define('peer', name);
        ref('peer-group', group);
        const r = record(out.peers, name);
        if (!('group' in r)) r.group = group;
        const rest = b.slice(4);
        if (['peer-as', 'enable'].includes(rest[0]) && rest.length === 2) put(r, rest[0], rest[1]);
        else if (rest[0] === 'peer-address' && rest[1] === 'ip' && rest.length === 3) put(r, 'peer-address', rest[2]);
        else if (rest[0] === 'local-address' && rest[1] === 'interface' && rest.length === 3) {
          put(r, 'local-interface', rest[2]);
          ref('loopback-interface', rest[2]);
        } else if (rest[0] === 'local-address' && rest[1] === 'ip' && rest.length === 3) put(r, 'local-ip', rest[2]);
        else if (rest[0] === 'connection-options' && ['multihop', 'keep-alive-interval', 'hold-time'].includes(rest[1]) && rest.length === 3) put(r, rest[1], rest[2]);
        else unknown();
      } else if (b[0] === 'peer-group') {
        const name = b[1];
        define('peer-group', name);
        const r = record(out.peerGroups, name);
        const rest = b.slice(2).join(' ');
        if (rest === 'type ebgp import-nexthop original') put(r, 'import-nexthop', 'original');
        else if (rest === 'type ebgp export-nexthop resolve') put(r, 'export-nexthop', 'resolve');
        else if (rest === 'enable yes') put(r, 'enable', 'yes');
        else unknown();
      } else if (b[0] === 'policy' && (b[1] === 'import' || b[1] === 'export') && b[2] === 'rules') {
        const name = b[3];
        define(b[1] === 'import' ? 'import-rule' : 'export-rule', name);
        const rules = b[1] === 'import' ? out.importRules : out.exportRules;
        const r = rules.get(name) ?? { prefixes: [] };
        rules.set(name, r);
        const rest = b.slice(4);
        const tail = rest.join(' ');
        if (rest[0] === 'used-by' && rest.length === 2) {
          r.usedBy = rest[1];
          ref('peer-group', rest[1]);
        } else if (rest[0] === 'match' && rest[1] === 'address-prefix' && rest[3] === 'exact' && rest.length === 5) {
          check(PREFIX.test(rest[2]), `rule ${name}: "${rest[2]}" is not a prefix`);
          r.prefixes.push({ prefix: rest[2], exact: rest[4] });
        } else if (tail === 'action deny' || tail === 'action allow') r.action = rest[1];
        else if (b[1] === 'import' && tail.startsWith('action allow update local-preference ') && rest.length === 5) {
          r.action = 'allow';
          r.localPreference = Number(rest[4]);
        } else if (b[1] === 'export' && tail.startsWith('action allow update as-path prepend ') && rest.length === 6) {
          r.action = 'allow';
          r.prepend = Number(rest[5]);
        } else unknown();
      } else if (b[0] === 'redist-rules') {
        const name = b[1];
        ref('redist-profile', name);
        const r = record(out.redistRules, name);
        const rest = b.slice(2);
        if (['address-family-identifier', 'set-origin', 'enable'].includes(rest[0]) && rest.length === 2) put(r, rest[0], rest[1]);
        else unknown();
      } else unknown();
    }
  }

  const has = (kind: PanosKind, name: string): boolean => out.defined.get(kind)?.has(name) ?? false;
  const used = new Set<string>();
  for (const r of out.references) {
    let resolved: string | undefined;
    if (r.kind === 'zone') resolved = has('zone', r.name) ? 'zone' : external.zones.includes(r.name) ? 'external-zone' : undefined;
    else if (r.kind === 'address-or-group') resolved = (['address-group', 'address'] as const).find((k) => has(k, r.name));
    else if (r.kind === 'external-interface') resolved = external.interfaces.includes(r.name) ? 'external-interface' : undefined;
    else resolved = has(r.kind as PanosKind, r.name) ? r.kind : undefined;
    if (!resolved) out.problems.push(`line ${r.line}: ${r.kind} "${r.name}" is referenced but never defined`);
    else used.add(`${resolved}:${r.name}`);
  }
  /** Entry points PAN-OS runs without a reference. */
  const roots: PanosKind[] = ['ipsec-tunnel', 'rule', 'static-route', 'peer', 'import-rule', 'export-rule'];
  for (const [kind, names] of out.defined) {
    if (roots.includes(kind)) continue;
    for (const name of names) if (!used.has(`${kind}:${name}`)) out.problems.push(`${kind} "${name}" is defined but never used`);
  }
  // A tunnel or loopback unit outside the vsys import, a zone or the virtual router fails the commit or drops traffic.
  for (const unit of [...(out.defined.get('tunnel-interface') ?? []), ...(out.defined.get('loopback-interface') ?? [])]) {
    if (!out.imported.includes(unit)) out.problems.push(`${unit} is not imported into the vsys`);
    if (![...out.zones.values()].some((z) => z.includes(unit))) out.problems.push(`${unit} is in no zone`);
    if (!(out.virtualRouters.get(external.virtualRouter) ?? []).includes(unit)) out.problems.push(`${unit} is not in virtual router ${external.virtualRouter}`);
  }
  return out;
}
