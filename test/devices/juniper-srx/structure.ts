/**
 * A small parser of the Junos `set` commands tunnelsmith renders: it knows every statement the template may
 * emit, collects the objects each defines and references, and reports anything it does not understand, any
 * reference to an undefined object, any object nobody uses, and any name outside Junos' character rules.
 */

export type JunosKind =
  | 'ike-proposal'
  | 'ike-policy'
  | 'ike-gateway'
  | 'ipsec-proposal'
  | 'ipsec-policy'
  | 'ipsec-vpn'
  | 'st0-unit'
  | 'zone'
  | 'address'
  | 'address-set'
  | 'prefix-list'
  | 'policy-statement'
  | 'bgp-group'
  | 'external-interface'
  | 'loopback-unit'
  | 'loopback-address';

export interface JunosGateway {
  name: string;
  ikePolicy?: string;
  address?: string;
  dpdMode?: string;
  dpdInterval?: number;
  dpdThreshold?: number;
  localIdentity?: string;
  remoteIdentity?: string;
  externalInterface?: string;
  localAddress?: string;
  version?: string;
}

export interface ParsedJunos {
  problems: string[];
  defined: Map<JunosKind, Set<string>>;
  references: { kind: JunosKind; name: string; line: number }[];
  ikeProposals: Map<string, Record<string, string>>;
  ikePolicies: Map<string, { proposals: string[]; key?: string }>;
  gateways: Map<string, JunosGateway>;
  ipsecProposals: Map<string, Record<string, string>>;
  ipsecPolicies: Map<string, { proposals: string[]; pfs?: string }>;
  vpns: Map<string, { bindInterface?: string; gateway?: string; ipsecPolicy?: string; establish?: string }>;
  st0Units: Map<number, { description?: string; inet: boolean; mtu?: number }>;
  loopbackAddresses: string[];
  tcpMss?: number;
  zoneInterfaces: { zone: string; interfaceName: string; services: string[]; protocols: string[] }[];
  addresses: Map<string, string>;
  addressSets: Map<string, string[]>;
  policies: { from: string; to: string; name: string; source?: string; destination?: string; applications?: string[]; action?: string }[];
  staticRoutes: Map<string, { nextHops: string[]; preference?: number }>;
  autonomousSystem?: number;
  aggregates: string[];
  prefixLists: Map<string, string[]>;
  policyStatements: Map<string, Map<string, { from?: string; fromOrLonger?: string; localPreference?: number; prepend?: string; action?: string; loadBalance?: string }>>;
  bgpGroups: Map<string, { type?: string; peerAs?: number; localAddress?: string; multihopTtl?: number; holdTime?: number; import?: string; export?: string; preference?: number; multipath?: boolean; neighbors: string[] }>;
  /** `routing-options forwarding-table export` policies. */
  forwardingTableExports: string[];
  comments: string[];
}

/** Junos IKE/IPsec object names: a letter, then letters, digits, `_` and `-`; at most 32 characters. */
export const JUNOS_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
/** Address-book, zone, prefix-list and policy names: at most 63 characters. */
export const JUNOS_LONG_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const PREFIX = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/;
const ST0 = /^st0\.(\d+)$/;

/** Splits a `set` line into words; a double-quoted word may hold spaces and keeps no quotes. */
export function junosWords(line: string): { words: string[]; quoted: boolean[] } | undefined {
  const words: string[] = [];
  const quoted: boolean[] = [];
  const re = /"([^"\\]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(line))) {
    if (line.slice(end, m.index).trim() !== '') return undefined;
    if (m[2]?.includes('"')) return undefined;
    words.push(m[1] ?? m[2]);
    quoted.push(m[1] !== undefined);
    end = re.lastIndex;
  }
  return { words, quoted };
}

/** Parses rendered Junos set commands. `external` lists zones and interfaces that exist on the SRX already. */
export function parseJunos(text: string, external: { zones: string[]; interfaces: string[] }): ParsedJunos {
  const out: ParsedJunos = {
    problems: [],
    defined: new Map(),
    references: [],
    ikeProposals: new Map(),
    ikePolicies: new Map(),
    gateways: new Map(),
    ipsecProposals: new Map(),
    ipsecPolicies: new Map(),
    vpns: new Map(),
    st0Units: new Map(),
    loopbackAddresses: [],
    zoneInterfaces: [],
    addresses: new Map(),
    addressSets: new Map(),
    policies: [],
    staticRoutes: new Map(),
    aggregates: [],
    prefixLists: new Map(),
    policyStatements: new Map(),
    bgpGroups: new Map(),
    forwardingTableExports: [],
    comments: [],
  };
  let line = 0;
  const problem = (msg: string): void => {
    out.problems.push(`line ${line}: ${msg}`);
  };
  const define = (kind: JunosKind, name: string, rule: RegExp = JUNOS_NAME): void => {
    if (!rule.test(name)) problem(`${kind} name "${name}" breaks Junos naming rules`);
    const set = out.defined.get(kind) ?? new Set<string>();
    out.defined.set(kind, set);
    set.add(name);
  };
  const ref = (kind: JunosKind, name: string): void => {
    out.references.push({ kind, name, line });
  };
  const ip = (v: string | undefined, what: string): string => {
    if (v === undefined || !IPV4.test(v)) problem(`${what} "${v}" is not an IPv4 address`);
    return v ?? '';
  };
  const prefix = (v: string | undefined, what: string): string => {
    if (v === undefined || !PREFIX.test(v)) problem(`${what} "${v}" is not an IPv4 prefix`);
    return v ?? '';
  };
  const int = (v: string | undefined, what: string): number => {
    if (v === undefined || !/^\d+$/.test(v)) {
      problem(`${what} "${v}" is not a number`);
      return NaN;
    }
    return Number(v);
  };
  const refInterface = (name: string): void => {
    const st0 = ST0.exec(name);
    if (st0) ref('st0-unit', st0[1]);
    else if (name === 'lo0.0') ref('loopback-unit', name);
    else ref('external-interface', name);
  };
  const listOf = (w: string[]): string[] | undefined => {
    if (w.length === 1 && w[0] !== '[' && w[0] !== ']') return w;
    if (w.length >= 3 && w[0] === '[' && w[w.length - 1] === ']') return w.slice(1, -1);
    return undefined;
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
    const split = junosWords(raw);
    if (!split || split.words[0] !== 'set') {
      problem(`not a set command: "${raw}"`);
      continue;
    }
    const w = split.words.slice(1);
    const quotedAt = (i: number): boolean => split.quoted[i + 1];
    if (split.quoted.some((q, i) => q && !(w[0] === 'security' && w[1] === 'ike' && w[2] === 'policy' && i === 7) && !(w[0] === 'policy-options' && i === 8))) {
      problem('quoted word where none belongs');
    }
    const path = w.join(' ');
    const unknown = (): void => problem(`unrecognized statement "${path}"`);

    if (w[0] === 'security' && w[1] === 'ike' && w[2] === 'proposal' && w.length === 6) {
      define('ike-proposal', w[3]);
      const p = out.ikeProposals.get(w[3]) ?? {};
      out.ikeProposals.set(w[3], p);
      if (['authentication-method', 'dh-group', 'authentication-algorithm', 'encryption-algorithm', 'lifetime-seconds'].includes(w[4])) p[w[4]] = w[5];
      else unknown();
    } else if (w[0] === 'security' && w[1] === 'ike' && w[2] === 'policy' && w.length >= 6) {
      define('ike-policy', w[3]);
      const pol = out.ikePolicies.get(w[3]) ?? { proposals: [] };
      out.ikePolicies.set(w[3], pol);
      const list = w[4] === 'proposals' ? listOf(w.slice(5)) : undefined;
      if (list) {
        pol.proposals.push(...list);
        list.forEach((x) => ref('ike-proposal', x));
      } else if (w[4] === 'pre-shared-key' && w[5] === 'ascii-text' && w.length === 7 && quotedAt(6)) pol.key = w[6];
      else unknown();
    } else if (w[0] === 'security' && w[1] === 'ike' && w[2] === 'gateway' && w.length >= 6) {
      define('ike-gateway', w[3]);
      const g = out.gateways.get(w[3]) ?? { name: w[3] };
      out.gateways.set(w[3], g);
      const rest = w.slice(4);
      if (rest[0] === 'ike-policy' && rest.length === 2) {
        g.ikePolicy = rest[1];
        ref('ike-policy', rest[1]);
      } else if (rest[0] === 'address' && rest.length === 2) g.address = ip(rest[1], 'gateway address');
      else if (rest[0] === 'dead-peer-detection' && rest.length === 2 && ['always-send', 'optimized', 'probe-idle-tunnel'].includes(rest[1])) g.dpdMode = rest[1];
      else if (rest[0] === 'dead-peer-detection' && rest[1] === 'interval' && rest.length === 3) g.dpdInterval = int(rest[2], 'DPD interval');
      else if (rest[0] === 'dead-peer-detection' && rest[1] === 'threshold' && rest.length === 3) g.dpdThreshold = int(rest[2], 'DPD threshold');
      else if (rest[0] === 'local-identity' && rest[1] === 'inet' && rest.length === 3) g.localIdentity = ip(rest[2], 'local identity');
      else if (rest[0] === 'remote-identity' && rest[1] === 'inet' && rest.length === 3) g.remoteIdentity = ip(rest[2], 'remote identity');
      else if (rest[0] === 'external-interface' && rest.length === 2) {
        g.externalInterface = rest[1];
        ref('external-interface', rest[1]);
      } else if (rest[0] === 'local-address' && rest.length === 2) g.localAddress = ip(rest[1], 'local address');
      else if (rest[0] === 'version' && rest.length === 2) g.version = rest[1];
      else unknown();
    } else if (w[0] === 'security' && w[1] === 'ipsec' && w[2] === 'proposal' && w.length === 6) {
      define('ipsec-proposal', w[3]);
      const p = out.ipsecProposals.get(w[3]) ?? {};
      out.ipsecProposals.set(w[3], p);
      if (['protocol', 'authentication-algorithm', 'encryption-algorithm', 'lifetime-seconds', 'lifetime-kilobytes'].includes(w[4])) p[w[4]] = w[5];
      else unknown();
    } else if (w[0] === 'security' && w[1] === 'ipsec' && w[2] === 'policy' && w.length >= 6) {
      define('ipsec-policy', w[3]);
      const pol = out.ipsecPolicies.get(w[3]) ?? { proposals: [] };
      out.ipsecPolicies.set(w[3], pol);
      const list = w[4] === 'proposals' ? listOf(w.slice(5)) : undefined;
      if (list) {
        pol.proposals.push(...list);
        list.forEach((x) => ref('ipsec-proposal', x));
      } else if (w[4] === 'perfect-forward-secrecy' && w[5] === 'keys' && w.length === 7) pol.pfs = w[6];
      else unknown();
    } else if (w[0] === 'security' && w[1] === 'ipsec' && w[2] === 'vpn' && w.length >= 6) {
      define('ipsec-vpn', w[3]);
      const v = out.vpns.get(w[3]) ?? {};
      out.vpns.set(w[3], v);
      const rest = w.slice(4);
      if (rest[0] === 'bind-interface' && rest.length === 2 && ST0.test(rest[1])) {
        v.bindInterface = rest[1];
        refInterface(rest[1]);
      } else if (rest[0] === 'ike' && rest[1] === 'gateway' && rest.length === 3) {
        v.gateway = rest[2];
        ref('ike-gateway', rest[2]);
      } else if (rest[0] === 'ike' && rest[1] === 'ipsec-policy' && rest.length === 3) {
        v.ipsecPolicy = rest[2];
        ref('ipsec-policy', rest[2]);
      } else if (rest[0] === 'establish-tunnels' && rest.length === 2) v.establish = rest[1];
      else unknown();
    } else if (w[0] === 'interfaces' && w[1] === 'st0' && w[2] === 'unit' && w.length >= 5) {
      const unit = int(w[3], 'st0 unit');
      define('st0-unit', String(unit), /^\d{1,5}$/);
      const u = out.st0Units.get(unit) ?? { inet: false };
      out.st0Units.set(unit, u);
      if (w[4] === 'description' && w.length === 6) {
        if (!/^[A-Za-z0-9._-]+$/.test(w[5])) problem(`description "${w[5]}" needs quoting`);
        u.description = w[5];
      } else if (w[4] === 'family' && w[5] === 'inet' && w.length === 6) u.inet = true;
      else if (w[4] === 'family' && w[5] === 'inet' && w[6] === 'mtu' && w.length === 8) {
        u.inet = true;
        u.mtu = int(w[7], 'st0 MTU');
      } else unknown();
    } else if (w[0] === 'interfaces' && w[1] === 'lo0' && w[2] === 'unit' && w[3] === '0' && w[4] === 'family' && w[5] === 'inet' && w[6] === 'address' && w.length === 8) {
      out.loopbackAddresses.push(prefix(w[7], 'loopback address'));
      define('loopback-address', w[7].split('/')[0], IPV4);
      define('loopback-unit', 'lo0.0', /^lo0\.0$/);
    } else if (path.startsWith('security flow tcp-mss ipsec-vpn mss ') && w.length === 6) {
      out.tcpMss = int(w[5], 'MSS');
    } else if (w[0] === 'security' && w[1] === 'zones' && w[2] === 'security-zone' && w[4] === 'interfaces' && w[6] === 'host-inbound-traffic' && w.length === 9) {
      const zone = w[3];
      if (!external.zones.includes(zone)) define('zone', zone, JUNOS_LONG_NAME);
      refInterface(w[5]);
      let zi = out.zoneInterfaces.find((x) => x.zone === zone && x.interfaceName === w[5]);
      if (!zi) {
        zi = { zone, interfaceName: w[5], services: [], protocols: [] };
        out.zoneInterfaces.push(zi);
      }
      if (w[7] === 'system-services') zi.services.push(w[8]);
      else if (w[7] === 'protocols') zi.protocols.push(w[8]);
      else unknown();
    } else if (w[0] === 'security' && w[1] === 'address-book' && w[2] === 'global' && w[3] === 'address' && w.length === 6) {
      define('address', w[4], JUNOS_LONG_NAME);
      out.addresses.set(w[4], prefix(w[5], 'address'));
    } else if (w[0] === 'security' && w[1] === 'address-book' && w[2] === 'global' && w[3] === 'address-set' && w[5] === 'address' && w.length === 7) {
      define('address-set', w[4], JUNOS_LONG_NAME);
      out.addressSets.set(w[4], [...(out.addressSets.get(w[4]) ?? []), w[6]]);
      ref('address', w[6]);
    } else if (w[0] === 'security' && w[1] === 'policies' && w[2] === 'from-zone' && w[4] === 'to-zone' && w[6] === 'policy' && w.length >= 10) {
      if (!JUNOS_LONG_NAME.test(w[7])) problem(`policy name "${w[7]}" breaks Junos naming rules`);
      for (const z of [w[3], w[5]]) if (!external.zones.includes(z)) ref('zone', z);
      let pol = out.policies.find((x) => x.from === w[3] && x.to === w[5] && x.name === w[7]);
      if (!pol) {
        pol = { from: w[3], to: w[5], name: w[7] };
        out.policies.push(pol);
      }
      const rest = w.slice(8);
      if (rest[0] === 'match' && rest[1] === 'source-address' && rest.length === 3) {
        pol.source = rest[2];
        ref('address-set', rest[2]);
      } else if (rest[0] === 'match' && rest[1] === 'destination-address' && rest.length === 3) {
        pol.destination = rest[2];
        ref('address-set', rest[2]);
      } else if (rest[0] === 'match' && rest[1] === 'application' && listOf(rest.slice(2))) pol.applications = listOf(rest.slice(2));
      else if (rest[0] === 'then' && rest.length === 2) pol.action = rest[1];
      else unknown();
    } else if (w[0] === 'routing-options' && w[1] === 'static' && w[2] === 'route' && w.length === 6) {
      const r = out.staticRoutes.get(prefix(w[3], 'route')) ?? { nextHops: [] };
      out.staticRoutes.set(w[3], r);
      if (w[4] === 'next-hop' && ST0.test(w[5])) {
        r.nextHops.push(w[5]);
        refInterface(w[5]);
      } else if (w[4] === 'preference') r.preference = int(w[5], 'preference');
      else unknown();
    } else if (path.startsWith('routing-options autonomous-system ') && w.length === 3) {
      out.autonomousSystem = int(w[2], 'ASN');
    } else if (path.startsWith('routing-options forwarding-table export ') && w.length === 4) {
      out.forwardingTableExports.push(w[3]);
      ref('policy-statement', w[3]);
    } else if (path.startsWith('routing-options aggregate route ') && w.length === 4) {
      out.aggregates.push(prefix(w[3], 'aggregate'));
    } else if (w[0] === 'policy-options' && w[1] === 'prefix-list' && w.length === 4) {
      define('prefix-list', w[2], JUNOS_LONG_NAME);
      out.prefixLists.set(w[2], [...(out.prefixLists.get(w[2]) ?? []), prefix(w[3], 'prefix-list entry')]);
    } else if (w[0] === 'policy-options' && w[1] === 'policy-statement' && w[3] === 'term' && w.length >= 7) {
      define('policy-statement', w[2], JUNOS_LONG_NAME);
      const terms = out.policyStatements.get(w[2]) ?? new Map();
      out.policyStatements.set(w[2], terms);
      const term = terms.get(w[4]) ?? {};
      terms.set(w[4], term);
      const rest = w.slice(5);
      if (rest[0] === 'from' && rest[1] === 'prefix-list' && rest.length === 3) {
        term.from = rest[2];
        ref('prefix-list', rest[2]);
      } else if (rest[0] === 'from' && rest[1] === 'prefix-list-filter' && rest[3] === 'orlonger' && rest.length === 4) {
        term.fromOrLonger = rest[2];
        ref('prefix-list', rest[2]);
      } else if (rest[0] === 'then' && rest[1] === 'load-balance' && rest.length === 3 && (rest[2] === 'per-packet' || rest[2] === 'per-flow')) term.loadBalance = rest[2];
      else if (rest[0] === 'then' && rest[1] === 'local-preference' && rest.length === 3) term.localPreference = int(rest[2], 'local-preference');
      else if (rest[0] === 'then' && rest[1] === 'as-path-prepend' && rest.length === 3 && quotedAt(7)) term.prepend = rest[2];
      else if (rest[0] === 'then' && rest.length === 2 && (rest[1] === 'accept' || rest[1] === 'reject')) term.action = rest[1];
      else unknown();
    } else if (w[0] === 'protocols' && w[1] === 'bgp' && w[2] === 'group' && w.length >= 5) {
      define('bgp-group', w[3], JUNOS_LONG_NAME);
      const g = out.bgpGroups.get(w[3]) ?? { neighbors: [] };
      out.bgpGroups.set(w[3], g);
      const rest = w.slice(4);
      if (rest[0] === 'type' && rest.length === 2) g.type = rest[1];
      else if (rest[0] === 'peer-as' && rest.length === 2) g.peerAs = int(rest[1], 'peer-as');
      else if (rest[0] === 'local-address' && rest.length === 2) {
        g.localAddress = ip(rest[1], 'local-address');
        ref('loopback-address', rest[1]);
      } else if (rest[0] === 'multihop' && rest[1] === 'ttl' && rest.length === 3) g.multihopTtl = int(rest[2], 'ttl');
      else if (rest[0] === 'hold-time' && rest.length === 2) g.holdTime = int(rest[1], 'hold-time');
      else if (rest[0] === 'preference' && rest.length === 2) g.preference = int(rest[1], 'preference');
      else if (rest[0] === 'multipath' && rest.length === 1) g.multipath = true;
      else if ((rest[0] === 'import' || rest[0] === 'export') && rest.length === 2) {
        g[rest[0]] = rest[1];
        ref('policy-statement', rest[1]);
      } else if (rest[0] === 'neighbor' && rest[2] === 'description' && rest.length === 4) g.neighbors.push(ip(rest[1], 'neighbor'));
      else unknown();
    } else {
      unknown();
    }
  }

  for (const r of out.references) {
    const known = out.defined.get(r.kind)?.has(r.name) || (r.kind === 'external-interface' && external.interfaces.includes(r.name));
    if (!known) out.problems.push(`line ${r.line}: ${r.kind} "${r.name}" is referenced but never defined`);
  }
  // Traffic through an st0 unit outside every zone is dropped: each unit must sit in a zone.
  for (const unit of out.defined.get('st0-unit') ?? []) {
    if (!out.zoneInterfaces.some((z) => z.interfaceName === `st0.${unit}`)) out.problems.push(`st0.${unit} is in no security zone`);
  }
  // Host-bound traffic to a loopback outside every zone is dropped (Juniper KB30997): the BGP loopback needs one.
  for (const unit of out.defined.get('loopback-unit') ?? []) {
    if (!out.zoneInterfaces.some((z) => z.interfaceName === unit)) out.problems.push(`${unit} is in no security zone`);
  }
  /** VPNs and BGP groups are entry points: Junos runs them without a reference. */
  const roots: JunosKind[] = ['ipsec-vpn', 'bgp-group'];
  for (const [kind, names] of out.defined) {
    if (roots.includes(kind)) continue;
    for (const name of names) {
      if (!out.references.some((r) => r.kind === kind && r.name === name)) out.problems.push(`${kind} "${name}" is defined but never used`);
    }
  }
  return out;
}
