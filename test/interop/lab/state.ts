/**
 * What one lab run started, persisted so teardown (and the next run, after a crash) removes exactly
 * that: the namespaces it created and the processes it started, never anything else.
 * Each run gets a unique prefix; its state lives in `<tmp>/tunnelsmith-lab/<prefix>/state.json`.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run, sleep } from './run';

export const LAB_STATE_ROOT = path.join(os.tmpdir(), 'tunnelsmith-lab');

export interface StartedProcess {
  pid: number;
  /** The program's `comm` once running: a pid reused by another program is left alone. */
  comm: string;
  what: string;
}

/** `ip netns exec` and `sh -c '... && exec X'` replace themselves with X; before that the pid shows these. */
const LAUNCHER_COMMS = ['ip', 'sh'];

interface StateFile {
  prefix: string;
  ownerPid: number;
  namespaces: string[];
  processes: StartedProcess[];
}

function processComm(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Running and not a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** The state of one lab run: its prefix, its directory and what it started. */
export class LabState {
  readonly dir: string;
  private readonly state: StateFile;
  private tornDown = false;

  private constructor(readonly prefix: string) {
    this.dir = path.join(LAB_STATE_ROOT, prefix);
    this.state = { prefix, ownerPid: process.pid, namespaces: [], processes: [] };
  }

  /** A new run with a fresh random prefix (`ts` + 4 hex digits). */
  static create(): LabState {
    mkdirSync(LAB_STATE_ROOT, { recursive: true, mode: 0o711 });
    chmodSync(LAB_STATE_ROOT, 0o711);
    for (;;) {
      const prefix = `ts${randomBytes(2).toString('hex')}`;
      const s = new LabState(prefix);
      if (existsSync(s.dir)) continue;
      // 0711: FRR runs as user frr and must reach its own runtime directory below this one.
      mkdirSync(s.dir, { mode: 0o711 });
      chmodSync(s.dir, 0o711);
      s.save();
      return s;
    }
  }

  private static load(prefix: string): LabState | undefined {
    const s = new LabState(prefix);
    try {
      const raw = JSON.parse(readFileSync(path.join(s.dir, 'state.json'), 'utf8')) as StateFile;
      Object.assign(s.state, raw);
      return s;
    } catch {
      return s;
    }
  }

  get ownerPid(): number {
    return this.state.ownerPid;
  }

  private save(): void {
    writeFileSync(path.join(this.dir, 'state.json'), JSON.stringify(this.state, null, 2), { mode: 0o600 });
  }

  /** A namespace name of this run, e.g. `ts3fa2-az`. */
  nsName(role: string): string {
    return `${this.prefix}-${role}`;
  }

  recordNamespace(ns: string): void {
    this.state.namespaces.push(ns);
    this.save();
  }

  /** Records a process this run started; `comm` is the program it becomes (`charon`, `bgpd`, ...). */
  recordProcess(pid: number, comm: string, what: string): void {
    this.state.processes.push({ pid, comm, what });
    this.save();
  }

  forgetProcess(pid: number): void {
    this.state.processes = this.state.processes.filter((p) => p.pid !== pid);
    this.save();
  }

  /** Stops one recorded process (TERM, then KILL after 2 s) if it is still the program we started. */
  async stopProcess(pid: number): Promise<void> {
    const rec = this.state.processes.find((p) => p.pid === pid);
    if (rec) await stopRecorded(rec);
    this.forgetProcess(pid);
  }

  /** Idempotent: kills what this run started, deletes its namespaces and (unless kept) its directory. */
  async teardown(opts: { keepDir?: boolean } = {}): Promise<void> {
    if (this.tornDown) return;
    await Promise.all(this.state.processes.map((p) => stopRecorded(p)));
    this.state.processes = [];
    for (const ns of [...this.state.namespaces].reverse()) {
      await run(['ip', 'netns', 'delete', ns], { allowFail: true });
    }
    this.state.namespaces = [];
    if (opts.keepDir) this.save();
    else rmSync(this.dir, { recursive: true, force: true });
    this.tornDown = true;
  }

  /** Tears down runs whose owning test process is gone (a crashed or killed earlier run). */
  static async cleanupStale(): Promise<string[]> {
    if (!existsSync(LAB_STATE_ROOT)) return [];
    const cleaned: string[] = [];
    for (const prefix of readdirSync(LAB_STATE_ROOT)) {
      if (!/^ts[0-9a-f]{4}$/.test(prefix)) continue;
      const s = LabState.load(prefix);
      if (!s || alive(s.ownerPid)) continue;
      await s.teardown();
      cleaned.push(prefix);
    }
    return cleaned;
  }
}

async function stopRecorded(p: StartedProcess): Promise<void> {
  const same = () => {
    if (!alive(p.pid)) return false;
    const comm = processComm(p.pid);
    return comm !== undefined && (comm === p.comm.slice(0, 15) || LAUNCHER_COMMS.includes(comm));
  };
  if (!same()) return;
  try {
    process.kill(p.pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 20 && same(); i++) await sleep(100);
  if (same()) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
