/**
 * FRR per namespace: zebra, staticd and bgpd with their own pid, zserv and vty paths, run as user frr,
 * configured with the integrated frr.conf through `vtysh -f` (exit 2: unknown command, 13: a daemon
 * rejected a line).
 */
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { run, startDaemon, waitFor } from './run';
import type { LabState } from './state';

export const FRR_DIR = '/usr/lib/frr';
const DAEMONS = ['zebra', 'staticd', 'bgpd'] as const;

function frrIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'frr'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'frr'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

export interface BgpNeighbor {
  address: string;
  state: string;
  remoteAs: number;
  prefixReceived: number;
}

export class Frr {
  readonly dir: string;
  private readonly pids: number[] = [];

  constructor(
    private readonly state: LabState,
    readonly ns: string,
    readonly label: string,
  ) {
    this.dir = path.join(state.dir, `frr-${label}`);
  }

  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true, mode: 0o750 });
    const { uid, gid } = frrIds();
    chownSync(this.dir, uid, gid);
    const empty = path.join(this.dir, 'empty.conf');
    writeFileSync(empty, '');
    const zserv = path.join(this.dir, 'zserv.api');
    for (const d of DAEMONS) {
      const daemon = startDaemon(
        [
          path.join(FRR_DIR, d),
          '-f', empty,
          '-i', path.join(this.dir, `${d}.pid`),
          '-z', zserv,
          '--vty_socket', this.dir,
          '-A', '127.0.0.1',
          '-P', '0',
          '-u', 'frr',
          '-g', 'frr',
          '--log', `file:${path.join(this.dir, `${d}.log`)}`,
        ],
        path.join(this.dir, `${d}.out`),
        { ns: this.ns },
      );
      this.pids.push(daemon.pid);
      this.state.recordProcess(daemon.pid, d, `${d} ${this.label}`);
      const sock = d === 'zebra' ? zserv : path.join(this.dir, `${d}.vty`);
      await waitFor(`${d} (${this.label}) to start`, async () => (existsSync(sock) ? true : undefined), 10_000, 50);
    }
    await waitFor(
      `vtysh to reach every daemon (${this.label})`,
      async () => ((await this.vtysh(['-c', 'show daemons'], true)).code === 0 ? true : undefined),
      10_000,
      100,
    );
  }

  async stop(): Promise<void> {
    for (const pid of this.pids.splice(0)) await this.state.stopProcess(pid);
  }

  vtysh(args: string[], allowFail = false) {
    return run(['vtysh', '--vty_socket', this.dir, ...args], { ns: this.ns, allowFail });
  }

  /** Applies an integrated config file; throws with vtysh's output when any line is refused. */
  async apply(conf: string, name: string): Promise<void> {
    const file = path.join(this.dir, name);
    writeFileSync(file, conf, { mode: 0o640 });
    const r = await this.vtysh(['-f', file], true);
    if (r.code !== 0) {
      throw new Error(`vtysh refused ${name} in ${this.label} (exit ${r.code}: 2 = unknown command, 13 = rejected by a daemon):\n${r.stdout}${r.stderr}`);
    }
  }

  async json<T>(command: string): Promise<T> {
    const r = await this.vtysh(['-c', command]);
    return JSON.parse(r.stdout) as T;
  }

  /** IPv4 unicast BGP neighbors with their state and received prefix count. */
  async bgpNeighbors(): Promise<BgpNeighbor[]> {
    type Peers = { peers?: Record<string, { state: string; remoteAs: number; pfxRcd?: number }> };
    // `show bgp ipv4 unicast summary json` answers the address family's object itself (FRR 8.4);
    // `show bgp summary json` wraps it in `ipv4Unicast`: accept both.
    const j = await this.json<Peers & { ipv4Unicast?: Peers }>('show bgp ipv4 unicast summary json');
    return Object.entries(j.peers ?? j.ipv4Unicast?.peers ?? {}).map(([address, p]) => ({
      address,
      state: p.state,
      remoteAs: p.remoteAs,
      prefixReceived: p.pfxRcd ?? 0,
    }));
  }

  /** For one prefix: every BGP path with its neighbor and whether it is the best path. */
  async bgpPaths(prefix: string): Promise<{ peer: string; best: boolean; localPref?: number; asPath: string }[]> {
    const j = await this.json<{ paths?: { peer?: { peerId?: string }; bestpath?: { overall?: boolean }; locPrf?: number; aspath?: { string?: string } }[] }>(
      `show bgp ipv4 unicast ${prefix} json`,
    );
    return (j.paths ?? []).map((p) => ({
      peer: p.peer?.peerId ?? '',
      best: p.bestpath?.overall === true,
      localPref: p.locPrf,
      asPath: p.aspath?.string ?? '',
    }));
  }

  /** For one prefix: every route zebra holds (any protocol) with its distance and whether it is selected. */
  async ribEntries(prefix: string): Promise<{ protocol: string; distance: number; selected: boolean }[]> {
    const j = await this.json<Record<string, { protocol: string; distance?: number; selected?: boolean }[]>>(`show ip route ${prefix} json`);
    return (j[prefix] ?? []).map((r) => ({ protocol: r.protocol, distance: r.distance ?? 0, selected: r.selected === true }));
  }

  /** Who opened a session's TCP connection: `local` when this router connected to the peer's port 179. */
  async sessionInitiator(neighbor: string): Promise<'local' | 'remote' | undefined> {
    const j = await this.json<Record<string, { portLocal?: number; portForeign?: number }>>(`show bgp neighbors ${neighbor} json`);
    const n = j[neighbor];
    if (n?.portForeign === 179) return 'local';
    if (n?.portLocal === 179) return 'remote';
    return undefined;
  }

  log(daemon: (typeof DAEMONS)[number]): string {
    const f = path.join(this.dir, `${daemon}.log`);
    return existsSync(f) ? readFileSync(f, 'utf8') : '';
  }
}
