/**
 * Parses `swanctl --list-sas --raw` (vici messages printed as `name {key=value list=[a b] sub {...}}`)
 * into plain objects, and picks the IKE_SA / CHILD_SA fields the lab asserts on.
 */

export type ViciValue = string | string[] | ViciSection;
export interface ViciSection {
  [key: string]: ViciValue;
}

function tokenize(text: string): string[] {
  return text.match(/[{}[\]]|[^\s{}[\]]+/g) ?? [];
}

function parseSection(tokens: string[], start: number): { section: ViciSection; next: number } {
  const section: ViciSection = {};
  let i = start;
  while (i < tokens.length) {
    const tok = tokens[i];
    if (tok === '}') return { section, next: i + 1 };
    const eq = tok.indexOf('=');
    if (eq > 0 && tok.endsWith('=') && tokens[i + 1] === '[') {
      const list: string[] = [];
      i += 2;
      while (i < tokens.length && tokens[i] !== ']') list.push(tokens[i++]);
      section[tok.slice(0, -1)] = list;
      i += 1;
    } else if (eq > 0) {
      section[tok.slice(0, eq)] = tok.slice(eq + 1);
      i += 1;
    } else if (tokens[i + 1] === '{') {
      const sub = parseSection(tokens, i + 2);
      section[tok] = sub.section;
      i = sub.next;
    } else {
      throw new Error(`unexpected token "${tok}" in vici output`);
    }
  }
  return { section, next: i };
}

/** Parses every `<message> {...}` line of raw swanctl output; returns the message bodies in order. */
export function parseViciRaw(text: string): { message: string; body: ViciSection }[] {
  const out: { message: string; body: ViciSection }[] = [];
  for (const line of text.split('\n')) {
    const open = line.indexOf('{');
    if (open < 0) continue;
    const message = line.slice(0, open).trim();
    const { section } = parseSection(tokenize(line.slice(open + 1)), 0);
    out.push({ message, body: section });
  }
  return out;
}

export interface ChildSa {
  name: string;
  uniqueId: number;
  state: string;
  spiIn: string;
  spiOut: string;
  /** Hex as printed by vici (`00000064`), undefined when the child has none. */
  ifIdIn?: string;
  ifIdOut?: string;
  encrAlg: string;
  encrKeysize?: string;
  integAlg?: string;
  dhGroup?: string;
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  packetsOut: number;
  localTs: string[];
  remoteTs: string[];
}

export interface IkeSa {
  name: string;
  uniqueId: number;
  state: string;
  localHost: string;
  remoteHost: string;
  localId: string;
  remoteId: string;
  initiator: boolean;
  encrAlg: string;
  encrKeysize?: string;
  integAlg?: string;
  prfAlg: string;
  dhGroup: string;
  children: ChildSa[];
}

function str(s: ViciSection, k: string): string {
  const v = s[k];
  return typeof v === 'string' ? v : '';
}
function opt(s: ViciSection, k: string): string | undefined {
  const v = s[k];
  return typeof v === 'string' ? v : undefined;
}
function list(s: ViciSection, k: string): string[] {
  const v = s[k];
  return Array.isArray(v) ? v : [];
}

/** IKE_SAs (with their CHILD_SAs) from `swanctl --list-sas --raw` output. */
export function parseListSas(raw: string): IkeSa[] {
  const sas: IkeSa[] = [];
  for (const { message, body } of parseViciRaw(raw)) {
    if (message !== 'list-sa event') continue;
    for (const [name, v] of Object.entries(body)) {
      if (typeof v !== 'object' || Array.isArray(v)) continue;
      const childSection = v['child-sas'];
      const children: ChildSa[] = [];
      if (childSection && typeof childSection === 'object' && !Array.isArray(childSection)) {
        for (const c of Object.values(childSection)) {
          if (typeof c !== 'object' || Array.isArray(c)) continue;
          children.push({
            name: str(c, 'name'),
            uniqueId: Number(str(c, 'uniqueid')),
            state: str(c, 'state'),
            spiIn: str(c, 'spi-in'),
            spiOut: str(c, 'spi-out'),
            ifIdIn: opt(c, 'if-id-in'),
            ifIdOut: opt(c, 'if-id-out'),
            encrAlg: str(c, 'encr-alg'),
            encrKeysize: opt(c, 'encr-keysize'),
            integAlg: opt(c, 'integ-alg'),
            dhGroup: opt(c, 'dh-group'),
            bytesIn: Number(str(c, 'bytes-in') || 0),
            bytesOut: Number(str(c, 'bytes-out') || 0),
            packetsIn: Number(str(c, 'packets-in') || 0),
            packetsOut: Number(str(c, 'packets-out') || 0),
            localTs: list(c, 'local-ts'),
            remoteTs: list(c, 'remote-ts'),
          });
        }
      }
      sas.push({
        name,
        uniqueId: Number(str(v, 'uniqueid')),
        state: str(v, 'state'),
        localHost: str(v, 'local-host'),
        remoteHost: str(v, 'remote-host'),
        localId: str(v, 'local-id'),
        remoteId: str(v, 'remote-id'),
        initiator: str(v, 'initiator') === 'yes',
        encrAlg: str(v, 'encr-alg'),
        encrKeysize: opt(v, 'encr-keysize'),
        integAlg: opt(v, 'integ-alg'),
        prfAlg: str(v, 'prf-alg'),
        dhGroup: str(v, 'dh-group'),
        children,
      });
    }
  }
  return sas;
}
