/** BIRD 2 in a namespace: offline config check (`bird -p`), start, and `birdc` queries parsed. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, startDaemon, waitFor } from './run';
import type { LabState } from './state';

export interface BirdProtocol {
  name: string;
  proto: string;
  state: string;
  info: string;
}

/** Parses `birdc show protocols` (a header line, then one protocol per line). */
export function parseBirdProtocols(out: string): BirdProtocol[] {
  const rows: BirdProtocol[] = [];
  for (const line of out.split('\n')) {
    const m = /^(\S+)\s+(\S+)\s+(\S+)\s+(up|down|start|stop|flush)\s+(\S+)\s*(.*)$/.exec(line);
    if (m && m[1] !== 'Name') rows.push({ name: m[1], proto: m[2], state: m[4], info: m[6].trim() });
  }
  return rows;
}

/** Prefixes listed by `birdc show route ...` (continuation lines of the same prefix carry no prefix). */
export function parseBirdRoutePrefixes(out: string): string[] {
  const prefixes = new Set<string>();
  for (const line of out.split('\n')) {
    const m = /^(\d+\.\d+\.\d+\.\d+\/\d+)\s/.exec(line);
    if (m) prefixes.add(m[1]);
  }
  return [...prefixes];
}

export class Bird {
  readonly dir: string;
  private pid = 0;

  constructor(
    private readonly state: LabState,
    readonly ns: string,
    readonly label: string,
  ) {
    this.dir = path.join(state.dir, `bird-${label}`);
  }

  get confFile(): string {
    return path.join(this.dir, 'bird.conf');
  }

  get logFile(): string {
    return path.join(this.dir, 'bird.log');
  }

  private get ctl(): string {
    return path.join(this.dir, 'bird.ctl');
  }

  /** Writes the config and checks it offline (`bird -p`); throws with BIRD's message when refused. */
  async writeConfig(conf: string): Promise<void> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeFileSync(this.confFile, conf, { mode: 0o600 });
    const r = await run(['bird', '-p', '-c', this.confFile], { allowFail: true });
    if (r.code !== 0) throw new Error(`BIRD refused its config (${this.label}): ${r.stdout}${r.stderr}`);
  }

  async start(): Promise<void> {
    const daemon = startDaemon(['bird', '-f', '-c', this.confFile, '-s', this.ctl, '-P', path.join(this.dir, 'bird.pid')], path.join(this.dir, 'bird.out'), {
      ns: this.ns,
    });
    this.pid = daemon.pid;
    this.state.recordProcess(daemon.pid, 'bird', `bird ${this.label}`);
    await waitFor(`bird (${this.label}) control socket`, async () => ((await this.birdc(['show', 'status'], true)).code === 0 ? true : undefined), 10_000, 100);
  }

  async stop(): Promise<void> {
    if (this.pid) await this.state.stopProcess(this.pid);
    this.pid = 0;
  }

  async birdc(args: string[], allowFail = false) {
    if (!allowFail && !existsSync(this.ctl)) throw new Error(`bird (${this.label}) is not running`);
    return run(['birdc', '-s', this.ctl, ...args], { allowFail });
  }

  async protocols(): Promise<BirdProtocol[]> {
    return parseBirdProtocols((await this.birdc(['show', 'protocols'])).stdout);
  }

  /** Prefixes a protocol imported (best or not). */
  async routesFrom(protocol: string): Promise<string[]> {
    return parseBirdRoutePrefixes((await this.birdc(['show', 'route', 'protocol', protocol])).stdout);
  }

  /** Prefixes BIRD announces to a protocol's peer. */
  async routesExportedTo(protocol: string): Promise<string[]> {
    return parseBirdRoutePrefixes((await this.birdc(['show', 'route', 'export', protocol])).stdout);
  }

  async disable(protocol: string): Promise<void> {
    await this.birdc(['disable', protocol]);
  }

  async enable(protocol: string): Promise<void> {
    await this.birdc(['enable', protocol]);
  }

  log(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
  }
}
