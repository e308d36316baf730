/**
 * Progress of long operations (what, elapsed time, state), from the events the Azure layer emits:
 * - on a terminal: a live display redrawn in place (finished operations scroll above it);
 * - otherwise: plain timestamped lines, one per change;
 * - with --json: one JSON object per line on stdout.
 * Human output goes to stderr so stdout carries only results.
 */
import type { ApplyEvent } from '../azure/deploy/events';
import type { CliIO } from './command';
import { writeJsonLine } from './output';

export interface ProgressReporter {
  onEvent(e: ApplyEvent): void;
  /** Stops the live display (no timer is left running). */
  close(): void;
}

export interface ProgressOptions {
  json: boolean;
  /** Force the live display on or off (default: stderr is a TTY). */
  live?: boolean;
  now?: () => number;
  /** Redraw interval of the live display. */
  refreshMs?: number;
}

interface Active {
  what: string;
  state: string;
  started: number;
}

const SPINNER = ['|', '/', '-', '\\'];

/** mm:ss (or h:mm:ss). */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

export function createProgressReporter(io: CliIO, opts: ProgressOptions): ProgressReporter {
  const now = opts.now ?? Date.now;
  if (opts.json) return jsonReporter(io);
  const live = opts.live ?? io.stderr.isTTY === true;
  return live ? liveReporter(io, now, opts.refreshMs ?? 250) : lineReporter(io);
}

function jsonReporter(io: CliIO): ProgressReporter {
  const startedAt = new Map<string, number>();
  return {
    onEvent(e) {
      if (e.type === 'start') startedAt.set(e.id, e.at);
      const begin = 'id' in e ? startedAt.get(e.id) : undefined;
      const record = { ...e, time: new Date(e.at).toISOString(), ...(begin !== undefined ? { elapsedMs: e.at - begin } : {}) };
      writeJsonLine(io, 'progress', record);
    },
    close() {},
  };
}

function lineReporter(io: CliIO): ProgressReporter {
  const active = new Map<string, Active>();
  const stamp = (at: number) => new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const write = (at: number, text: string) => io.stderr.write(`[${stamp(at)}] ${text}\n`);
  return {
    onEvent(e) {
      switch (e.type) {
        case 'start':
          active.set(e.id, { what: e.what, state: 'started', started: e.at });
          write(e.at, `start    ${e.what}`);
          break;
        case 'state': {
          const a = active.get(e.id);
          if (a) a.state = e.state;
          write(e.at, `${'state'.padEnd(8)} ${e.what}: ${e.state}${a ? ` (${formatElapsed(e.at - a.started)})` : ''}`);
          break;
        }
        case 'end': {
          const a = active.get(e.id);
          active.delete(e.id);
          write(e.at, `${e.outcome.padEnd(8)} ${e.what}${a ? ` (${formatElapsed(e.at - a.started)})` : ''}${e.detail ? `: ${e.detail}` : ''}`);
          break;
        }
        case 'note':
          write(e.at, `${e.level === 'warning' ? 'warning ' : 'note    '} ${e.message}`);
          break;
      }
    },
    close() {},
  };
}

function liveReporter(io: CliIO, now: () => number, refreshMs: number): ProgressReporter {
  const active = new Map<string, Active>();
  let drawn = 0;
  let frame = 0;
  const out = io.stderr;
  const width = () => Math.max(40, ((io.stderr as { columns?: number }).columns || io.stdout.columns || 100) - 1);
  const clip = (s: string) => (s.length > width() ? `${s.slice(0, width() - 3)}...` : s);
  const erase = () => {
    if (drawn > 0) out.write(`\x1b[${drawn}A`);
    for (let i = 0; i < drawn; i++) out.write('\x1b[2K\n');
    if (drawn > 0) out.write(`\x1b[${drawn}A`);
    drawn = 0;
  };
  const draw = () => {
    const t = now();
    const lines = [...active.values()].map((a) => clip(`${SPINNER[frame % SPINNER.length]} ${formatElapsed(t - a.started).padStart(5)}  ${a.what}  [${a.state}]`));
    for (const l of lines) out.write(`\x1b[2K${l}\n`);
    drawn = lines.length;
  };
  const timer = setInterval(() => {
    frame++;
    erase();
    draw();
  }, refreshMs);
  timer.unref();
  const permanent = (text: string) => {
    erase();
    out.write(`${clip(text)}\n`);
    draw();
  };
  return {
    onEvent(e) {
      switch (e.type) {
        case 'start':
          active.set(e.id, { what: e.what, state: 'started', started: e.at });
          erase();
          draw();
          break;
        case 'state': {
          const a = active.get(e.id);
          if (a) a.state = e.state;
          erase();
          draw();
          break;
        }
        case 'end': {
          const a = active.get(e.id);
          active.delete(e.id);
          const mark = e.outcome === 'failed' ? 'x' : e.outcome === 'skipped' ? '-' : '+';
          permanent(`${mark} ${a ? formatElapsed(e.at - a.started).padStart(5) : '     '}  ${e.what}${e.outcome === 'done' ? (e.detail ? `: ${e.detail}` : '') : ` (${e.outcome}${e.detail ? `: ${e.detail}` : ''})`}`);
          break;
        }
        case 'note':
          permanent(`${e.level === 'warning' ? 'warning' : 'note'}: ${e.message}`);
          break;
      }
    },
    close() {
      clearInterval(timer);
      erase();
      for (const a of active.values()) out.write(`${clip(`  ${formatElapsed(now() - a.started).padStart(5)}  ${a.what}  [${a.state}]`)}\n`);
      active.clear();
    },
  };
}
