/**
 * A small parser of the IOS-XE text tunnelsmith renders: it knows every line the template may emit, collects
 * the objects each line defines and references, and reports anything it does not understand, any reference
 * to an undefined object, any object nobody uses, and any name outside IOS-XE's character rules.
 */

export type CiscoKind =
  | 'ikev2-proposal'
  | 'ikev2-policy'
  | 'ikev2-keyring'
  | 'ikev2-profile'
  | 'transform-set'
  | 'ipsec-profile'
  | 'interface'
  | 'prefix-list'
  | 'route-map'
  | 'access-list';

export interface CiscoIkeProposal {
  name: string;
  encryption?: string;
  integrity?: string;
  prf?: string;
  group?: string;
}

export interface CiscoTunnel {
  name: string;
  unnumbered?: string;
  mtu?: number;
  mss?: number;
  source?: string;
  mode?: string;
  destination?: string;
  protection?: string;
  /** `tunnel vrf`: the front-door VRF the tunnel's outer packets use. */
  vrf?: string;
}

export interface CiscoRoute {
  network: string;
  mask: string;
  target: string;
  distance?: number;
}

export interface CiscoNeighbor {
  address: string;
  remoteAs?: number;
  multihop?: number;
  disableConnectedCheck: boolean;
  updateSource?: string;
  timers?: [number, number];
  activated: boolean;
  routeMapIn?: string;
  routeMapOut?: string;
}

export interface ParsedCisco {
  problems: string[];
  defined: Map<CiscoKind, Set<string>>;
  references: { kind: CiscoKind; name: string; line: number }[];
  ikeProposals: CiscoIkeProposal[];
  ikePolicies: { name: string; matchLocal?: string; fvrf?: string; proposals: string[] }[];
  keyrings: { name: string; peers: { name: string; address?: string; key?: string }[] }[];
  profiles: {
    name: string;
    remoteIdentities: string[];
    fvrf?: string;
    localIdentity?: string;
    authRemote?: string;
    authLocal?: string;
    keyring?: string;
    lifetime?: number;
    dpd?: { interval: number; retry: number; mode: string };
  }[];
  natKeepalive?: number;
  transformSets: { name: string; transforms: string[]; mode?: string }[];
  ipsecProfiles: {
    name: string;
    transformSets: string[];
    ikev2Profile?: string;
    pfs?: string;
    lifetimeSeconds?: number;
    lifetimeKilobytes?: number;
  }[];
  loopbacks: { name: string; address?: string; mask?: string }[];
  tunnels: CiscoTunnel[];
  routes: CiscoRoute[];
  prefixLists: { name: string; entries: { seq: number; action: string; prefix: string; le?: number }[] }[];
  routeMaps: { name: string; action: string; seq: number; matchPrefixList?: string; localPreference?: number; prepend?: number[] }[];
  bgp?: {
    asn: number;
    neighbors: CiscoNeighbor[];
    networks: { network: string; mask: string }[];
    maximumPaths?: number;
    /** Per-source `distance D A.B.C.D WILDCARD` lines of the address family. */
    distances: { distance: number; source: string; wildcard: string }[];
  };
  accessLists: { name: string; entries: string[] }[];
  /** `ip access-group NAME in` found in the commented application instructions. */
  documentedAclApplications: { name: string; interfaceName: string }[];
  comments: string[];
}

/** IOS-XE object names we accept: a letter, then letters, digits, `.`, `_`, `-`; at most 32 characters. */
export const CISCO_NAME = /^[A-Za-z][A-Za-z0-9._-]{0,31}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const PREFIX = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;
const INTERFACE = /^[A-Za-z][A-Za-z0-9/._:-]{0,63}$/;

/** Parses rendered IOS-XE text. `external` lists interfaces that exist on the router already (not defined in the file). */
export function parseCisco(text: string, external: { interfaces: string[] }): ParsedCisco {
  const out: ParsedCisco = {
    problems: [],
    defined: new Map(),
    references: [],
    ikeProposals: [],
    ikePolicies: [],
    keyrings: [],
    profiles: [],
    transformSets: [],
    ipsecProfiles: [],
    loopbacks: [],
    tunnels: [],
    routes: [],
    prefixLists: [],
    routeMaps: [],
    accessLists: [],
    documentedAclApplications: [],
    comments: [],
  };
  const problem = (line: number, msg: string): void => {
    out.problems.push(`line ${line}: ${msg}`);
  };
  const define = (kind: CiscoKind, name: string, line: number): void => {
    if (!CISCO_NAME.test(name) && !(kind === 'interface' && INTERFACE.test(name))) problem(line, `${kind} name "${name}" breaks IOS-XE naming rules`);
    const set = out.defined.get(kind) ?? new Set<string>();
    out.defined.set(kind, set);
    set.add(name);
  };
  const ref = (kind: CiscoKind, name: string, line: number): void => {
    out.references.push({ kind, name, line });
  };
  const ip = (value: string | undefined, line: number, what: string): string => {
    if (value === undefined || !IPV4.test(value)) problem(line, `${what} "${value}" is not an IPv4 address`);
    return value ?? '';
  };
  const int = (value: string | undefined, line: number, what: string): number => {
    if (value === undefined || !/^\d+$/.test(value)) {
      problem(line, `${what} "${value}" is not a number`);
      return NaN;
    }
    return Number(value);
  };

  type Block =
    | { kind: 'ikev2-proposal'; obj: CiscoIkeProposal }
    | { kind: 'ikev2-policy'; obj: ParsedCisco['ikePolicies'][number] }
    | { kind: 'keyring'; obj: ParsedCisco['keyrings'][number] }
    | { kind: 'profile'; obj: ParsedCisco['profiles'][number] }
    | { kind: 'transform-set'; obj: ParsedCisco['transformSets'][number] }
    | { kind: 'ipsec-profile'; obj: ParsedCisco['ipsecProfiles'][number] }
    | { kind: 'loopback'; obj: ParsedCisco['loopbacks'][number] }
    | { kind: 'tunnel'; obj: CiscoTunnel }
    | { kind: 'route-map'; obj: ParsedCisco['routeMaps'][number] }
    | { kind: 'bgp'; inAf: boolean }
    | { kind: 'acl'; obj: ParsedCisco['accessLists'][number] }
    | { kind: 'none' };
  let block: Block = { kind: 'none' };
  let peer: ParsedCisco['keyrings'][number]['peers'][number] | undefined;
  const neighbor = (address: string): CiscoNeighbor => {
    const bgp = out.bgp!;
    let n = bgp.neighbors.find((x) => x.address === address);
    if (!n) {
      n = { address, disableConnectedCheck: false, activated: false };
      bgp.neighbors.push(n);
    }
    return n;
  };

  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw === '') return;
    if (/[^\x20-\x7e]/.test(raw)) problem(line, 'contains a character outside printable ASCII');
    if (/\s$/.test(raw)) problem(line, 'has trailing whitespace');
    const trimmed = raw.trim();
    if (trimmed.startsWith('!')) {
      out.comments.push(trimmed);
      const m = /^!\s+ip access-group (\S+) in$/.exec(trimmed);
      const prev = lines[i - 1]?.trim() ?? '';
      const iface = /^!\s+interface (\S+)$/.exec(prev);
      if (m && iface) {
        out.documentedAclApplications.push({ name: m[1], interfaceName: iface[1] });
        ref('access-list', m[1], line);
      }
      return;
    }
    const indent = raw.length - raw.trimStart().length;
    const t = trimmed.split(/ +/);
    if (indent === 0) {
      peer = undefined;
      block = { kind: 'none' };
      if (t[0] === 'crypto' && t[1] === 'ikev2' && t[2] === 'proposal' && t.length === 4) {
        define('ikev2-proposal', t[3], line);
        const obj: CiscoIkeProposal = { name: t[3] };
        out.ikeProposals.push(obj);
        block = { kind: 'ikev2-proposal', obj };
      } else if (t[0] === 'crypto' && t[1] === 'ikev2' && t[2] === 'policy' && t.length === 4) {
        define('ikev2-policy', t[3], line);
        const obj = { name: t[3], proposals: [] as string[] };
        out.ikePolicies.push(obj);
        block = { kind: 'ikev2-policy', obj };
      } else if (t[0] === 'crypto' && t[1] === 'ikev2' && t[2] === 'keyring' && t.length === 4) {
        define('ikev2-keyring', t[3], line);
        const obj = { name: t[3], peers: [] };
        out.keyrings.push(obj);
        block = { kind: 'keyring', obj };
      } else if (t[0] === 'crypto' && t[1] === 'ikev2' && t[2] === 'profile' && t.length === 4) {
        define('ikev2-profile', t[3], line);
        const obj = { name: t[3], remoteIdentities: [] as string[] };
        out.profiles.push(obj);
        block = { kind: 'profile', obj };
      } else if (trimmed.startsWith('crypto ikev2 nat keepalive ') && t.length === 5) {
        out.natKeepalive = int(t[4], line, 'NAT keepalive');
      } else if (t[0] === 'crypto' && t[1] === 'ipsec' && t[2] === 'transform-set' && t.length >= 5) {
        define('transform-set', t[3], line);
        const obj = { name: t[3], transforms: t.slice(4) };
        out.transformSets.push(obj);
        block = { kind: 'transform-set', obj };
      } else if (t[0] === 'crypto' && t[1] === 'ipsec' && t[2] === 'profile' && t.length === 4) {
        define('ipsec-profile', t[3], line);
        const obj = { name: t[3], transformSets: [] as string[] };
        out.ipsecProfiles.push(obj);
        block = { kind: 'ipsec-profile', obj };
      } else if (t[0] === 'interface' && t.length === 2) {
        define('interface', t[1], line);
        if (/^Loopback\d+$/.test(t[1])) {
          const obj = { name: t[1] };
          out.loopbacks.push(obj);
          block = { kind: 'loopback', obj };
        } else if (/^Tunnel\d+$/.test(t[1])) {
          const obj: CiscoTunnel = { name: t[1] };
          out.tunnels.push(obj);
          block = { kind: 'tunnel', obj };
        } else {
          problem(line, `the file must not configure interface ${t[1]}`);
        }
      } else if (t[0] === 'ip' && t[1] === 'route' && (t.length === 5 || t.length === 6)) {
        const route: CiscoRoute = { network: ip(t[2], line, 'route network'), mask: ip(t[3], line, 'route mask'), target: t[4] };
        if (t.length === 6) route.distance = int(t[5], line, 'distance');
        if (t[4] !== 'Null0') ref('interface', t[4], line);
        out.routes.push(route);
      } else if (t[0] === 'ip' && t[1] === 'prefix-list' && t[3] === 'seq' && (t.length === 7 || (t.length === 9 && t[7] === 'le'))) {
        define('prefix-list', t[2], line);
        let pl = out.prefixLists.find((x) => x.name === t[2]);
        if (!pl) {
          pl = { name: t[2], entries: [] };
          out.prefixLists.push(pl);
        }
        if (!PREFIX.test(t[6])) problem(line, `"${t[6]}" is not a prefix`);
        const entry: ParsedCisco['prefixLists'][number]['entries'][number] = { seq: int(t[4], line, 'seq'), action: t[5], prefix: t[6] };
        if (t.length === 9) {
          entry.le = int(t[8], line, 'le');
          if (!(entry.le > Number(t[6].split('/')[1]) && entry.le <= 32)) problem(line, `le ${t[8]} must lie between the prefix length and 32`);
        }
        pl.entries.push(entry);
      } else if (t[0] === 'route-map' && t.length === 4 && (t[2] === 'permit' || t[2] === 'deny')) {
        define('route-map', t[1], line);
        const obj = { name: t[1], action: t[2], seq: int(t[3], line, 'sequence') };
        out.routeMaps.push(obj);
        block = { kind: 'route-map', obj };
      } else if (t[0] === 'router' && t[1] === 'bgp' && t.length === 3) {
        out.bgp = { asn: int(t[2], line, 'ASN'), neighbors: [], networks: [], distances: [] };
        block = { kind: 'bgp', inAf: false };
      } else if (t[0] === 'ip' && t[1] === 'access-list' && t[2] === 'extended' && t.length === 4) {
        define('access-list', t[3], line);
        const obj = { name: t[3], entries: [] as string[] };
        out.accessLists.push(obj);
        block = { kind: 'acl', obj };
      } else if (trimmed === 'end') {
        // leaves configuration mode
      } else {
        problem(line, `unrecognized line "${trimmed}"`);
      }
      return;
    }
    const b = block;
    switch (b.kind) {
      case 'ikev2-proposal':
        if (t.length !== 2 || !['encryption', 'integrity', 'prf', 'group'].includes(t[0])) problem(line, `unrecognized proposal line "${trimmed}"`);
        else b.obj[t[0] as 'encryption' | 'integrity' | 'prf' | 'group'] = t[1];
        return;
      case 'ikev2-policy':
        if (t[0] === 'proposal' && t.length === 2) {
          b.obj.proposals.push(t[1]);
          ref('ikev2-proposal', t[1], line);
        } else if (trimmed.startsWith('match address local ') && t.length === 4) b.obj.matchLocal = ip(t[3], line, 'match address local');
        else if (trimmed.startsWith('match fvrf ') && t.length === 3) b.obj.fvrf = t[2];
        else problem(line, `unrecognized policy line "${trimmed}"`);
        return;
      case 'keyring':
        if (indent === 1 && t[0] === 'peer' && t.length === 2) {
          if (!CISCO_NAME.test(t[1])) problem(line, `keyring peer name "${t[1]}" breaks IOS-XE naming rules`);
          peer = { name: t[1] };
          b.obj.peers.push(peer);
        } else if (indent === 2 && peer && t[0] === 'address' && t.length === 2) peer.address = ip(t[1], line, 'peer address');
        else if (indent === 2 && peer && t[0] === 'pre-shared-key' && t[1] === '0' && t.length === 3) peer.key = t[2];
        else problem(line, `unrecognized keyring line "${trimmed}"`);
        return;
      case 'profile':
        if (trimmed.startsWith('match identity remote address ') && t.length === 6) {
          b.obj.remoteIdentities.push(ip(t[4], line, 'remote identity'));
          if (t[5] !== '255.255.255.255') problem(line, 'remote identity must be a single address');
        } else if (trimmed.startsWith('match fvrf ') && t.length === 3) b.obj.fvrf = t[2];
        else if (trimmed.startsWith('identity local address ') && t.length === 4) b.obj.localIdentity = ip(t[3], line, 'local identity');
        else if (trimmed.startsWith('authentication remote ') && t.length === 3) b.obj.authRemote = t[2];
        else if (trimmed.startsWith('authentication local ') && t.length === 3) b.obj.authLocal = t[2];
        else if (trimmed.startsWith('keyring local ') && t.length === 3) {
          b.obj.keyring = t[2];
          ref('ikev2-keyring', t[2], line);
        } else if (t[0] === 'lifetime' && t.length === 2) b.obj.lifetime = int(t[1], line, 'lifetime');
        else if (t[0] === 'dpd' && t.length === 4) b.obj.dpd = { interval: int(t[1], line, 'dpd'), retry: int(t[2], line, 'dpd retry'), mode: t[3] };
        else problem(line, `unrecognized profile line "${trimmed}"`);
        return;
      case 'transform-set':
        if (t[0] === 'mode' && t.length === 2) b.obj.mode = t[1];
        else problem(line, `unrecognized transform-set line "${trimmed}"`);
        return;
      case 'ipsec-profile':
        if (t[0] === 'set' && t[1] === 'transform-set' && t.length >= 3) {
          for (const n of t.slice(2)) {
            b.obj.transformSets.push(n);
            ref('transform-set', n, line);
          }
        } else if (t[0] === 'set' && t[1] === 'ikev2-profile' && t.length === 3) {
          b.obj.ikev2Profile = t[2];
          ref('ikev2-profile', t[2], line);
        } else if (t[0] === 'set' && t[1] === 'pfs' && t.length === 3) b.obj.pfs = t[2];
        else if (trimmed.startsWith('set security-association lifetime seconds ') && t.length === 5) b.obj.lifetimeSeconds = int(t[4], line, 'lifetime');
        else if (trimmed.startsWith('set security-association lifetime kilobytes ') && t.length === 5) b.obj.lifetimeKilobytes = int(t[4], line, 'lifetime');
        else problem(line, `unrecognized ipsec profile line "${trimmed}"`);
        return;
      case 'loopback':
        if (t[0] === 'description') return;
        if (t[0] === 'ip' && t[1] === 'address' && t.length === 4) {
          b.obj.address = ip(t[2], line, 'loopback address');
          b.obj.mask = ip(t[3], line, 'loopback mask');
        } else problem(line, `unrecognized loopback line "${trimmed}"`);
        return;
      case 'tunnel':
        if (t[0] === 'description') return;
        if (t[0] === 'ip' && t[1] === 'unnumbered' && t.length === 3) {
          b.obj.unnumbered = t[2];
          ref('interface', t[2], line);
        } else if (t[0] === 'ip' && t[1] === 'mtu' && t.length === 3) b.obj.mtu = int(t[2], line, 'mtu');
        else if (t[0] === 'ip' && t[1] === 'tcp' && t[2] === 'adjust-mss' && t.length === 4) b.obj.mss = int(t[3], line, 'mss');
        else if (t[0] === 'tunnel' && t[1] === 'source' && t.length === 3) {
          b.obj.source = t[2];
          ref('interface', t[2], line);
        } else if (t[0] === 'tunnel' && t[1] === 'mode' && t.length === 4) b.obj.mode = `${t[2]} ${t[3]}`;
        else if (t[0] === 'tunnel' && t[1] === 'destination' && t.length === 3) b.obj.destination = ip(t[2], line, 'tunnel destination');
        else if (t[0] === 'tunnel' && t[1] === 'vrf' && t.length === 3) b.obj.vrf = t[2];
        else if (trimmed.startsWith('tunnel protection ipsec profile ') && t.length === 5) {
          b.obj.protection = t[4];
          ref('ipsec-profile', t[4], line);
        } else problem(line, `unrecognized tunnel line "${trimmed}"`);
        return;
      case 'route-map':
        if (trimmed.startsWith('match ip address prefix-list ') && t.length === 5) {
          b.obj.matchPrefixList = t[4];
          ref('prefix-list', t[4], line);
        } else if (t[0] === 'set' && t[1] === 'local-preference' && t.length === 3) b.obj.localPreference = int(t[2], line, 'local-preference');
        else if (trimmed.startsWith('set as-path prepend ') && t.length >= 4) b.obj.prepend = t.slice(3).map((x) => int(x, line, 'ASN'));
        else problem(line, `unrecognized route-map line "${trimmed}"`);
        return;
      case 'bgp': {
        if (trimmed === 'bgp log-neighbor-changes') return;
        if (trimmed === 'address-family ipv4') {
          b.inAf = true;
          return;
        }
        if (trimmed === 'exit-address-family') {
          b.inAf = false;
          return;
        }
        if (t[0] === 'network' && t[2] === 'mask' && t.length === 4 && b.inAf) {
          out.bgp!.networks.push({ network: ip(t[1], line, 'network'), mask: ip(t[3], line, 'mask') });
          return;
        }
        if (t[0] === 'maximum-paths' && t.length === 2 && b.inAf) {
          out.bgp!.maximumPaths = int(t[1], line, 'maximum-paths');
          return;
        }
        if (t[0] === 'distance' && t.length === 4 && b.inAf) {
          const distance = int(t[1], line, 'distance');
          if (!(distance >= 1 && distance <= 255)) problem(line, `distance ${t[1]} is outside 1..255`);
          out.bgp!.distances.push({ distance, source: ip(t[2], line, 'distance source'), wildcard: ip(t[3], line, 'distance wildcard') });
          return;
        }
        if (t[0] !== 'neighbor' || t.length < 3) {
          problem(line, `unrecognized bgp line "${trimmed}"`);
          return;
        }
        const n = neighbor(ip(t[1], line, 'neighbor'));
        const rest = t.slice(2);
        if (!b.inAf && rest[0] === 'remote-as' && rest.length === 2) n.remoteAs = int(rest[1], line, 'remote-as');
        else if (!b.inAf && rest[0] === 'description') return;
        else if (!b.inAf && rest[0] === 'ebgp-multihop' && rest.length === 2) n.multihop = int(rest[1], line, 'ttl');
        else if (!b.inAf && rest[0] === 'disable-connected-check' && rest.length === 1) n.disableConnectedCheck = true;
        else if (!b.inAf && rest[0] === 'update-source' && rest.length === 2) {
          n.updateSource = rest[1];
          ref('interface', rest[1], line);
        } else if (!b.inAf && rest[0] === 'timers' && rest.length === 3) n.timers = [int(rest[1], line, 'keepalive'), int(rest[2], line, 'hold')];
        else if (b.inAf && rest[0] === 'activate' && rest.length === 1) n.activated = true;
        else if (b.inAf && rest[0] === 'route-map' && rest.length === 3 && (rest[2] === 'in' || rest[2] === 'out')) {
          if (rest[2] === 'in') n.routeMapIn = rest[1];
          else n.routeMapOut = rest[1];
          ref('route-map', rest[1], line);
        } else problem(line, `unrecognized neighbor line "${trimmed}"`);
        return;
      }
      case 'acl':
        if (/^permit (udp host \S+ host \S+ eq (500|4500)|esp host \S+ host \S+)$/.test(trimmed)) b.obj.entries.push(trimmed);
        else problem(line, `unrecognized access-list line "${trimmed}"`);
        return;
      default:
        problem(line, `indented line outside any block: "${trimmed}"`);
    }
  });

  // References must resolve; definitions must be used.
  for (const r of out.references) {
    const known = out.defined.get(r.kind)?.has(r.name) || (r.kind === 'interface' && external.interfaces.includes(r.name));
    if (!known) out.problems.push(`line ${r.line}: ${r.kind} "${r.name}" is referenced but never defined`);
  }
  /** IKEv2 policies and tunnel interfaces are entry points: IOS-XE uses them without a reference. */
  const roots: CiscoKind[] = ['ikev2-policy'];
  for (const [kind, names] of out.defined) {
    if (roots.includes(kind)) continue;
    for (const name of names) {
      if (kind === 'interface' && /^Tunnel\d+$/.test(name)) continue;
      if (!out.references.some((r) => r.kind === kind && r.name === name)) out.problems.push(`${kind} "${name}" is defined but never used`);
    }
  }
  return out;
}
