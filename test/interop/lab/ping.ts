/** Pings between the lab's hosts: a quick reachability check and a timestamped stream to measure outages. */
import { spawn } from 'node:child_process';
import { inNs, run } from './run';
import type { LabState } from './state';

export interface PingSummary {
  transmitted: number;
  received: number;
}

/** Parses ping's summary line ("N packets transmitted, M received"). */
export function parsePingSummary(out: string): PingSummary {
  const m = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(out);
  return m ? { transmitted: Number(m[1]), received: Number(m[2]) } : { transmitted: 0, received: 0 };
}

export async function ping(ns: string, target: string, count = 3): Promise<PingSummary & { output: string }> {
  const r = await run(['ping', '-n', '-c', String(count), '-i', '0.05', '-W', '1', target], { ns, allowFail: true, timeoutMs: 10_000 });
  return { ...parsePingSummary(r.stdout), output: r.stdout };
}

export interface OutageReport {
  sent: number;
  received: number;
  /** Longest time without a reply, minus one interval (0 when nothing was lost), in ms. */
  longestGapMs: number;
}

/** Replies of `ping -D` output: (timestamp in ms, icmp_seq). */
export function parsePingReplies(out: string): { atMs: number; seq: number }[] {
  const replies: { atMs: number; seq: number }[] = [];
  for (const line of out.split('\n')) {
    const m = /^\[(\d+\.\d+)\] \d+ bytes from .*icmp_seq=(\d+)/.exec(line);
    if (m) replies.push({ atMs: Math.round(Number(m[1]) * 1000), seq: Number(m[2]) });
  }
  return replies;
}

/** The longest gap between consecutive replies, less one interval; the sequence numbers tell what was lost. */
export function measureOutage(out: string, intervalMs: number): OutageReport {
  const replies = parsePingReplies(out);
  const sent = parsePingSummary(out).transmitted;
  let longest = 0;
  for (let i = 1; i < replies.length; i++) {
    if (replies[i].seq - replies[i - 1].seq > 1) longest = Math.max(longest, replies[i].atMs - replies[i - 1].atMs - intervalMs);
  }
  return { sent, received: replies.length, longestGapMs: Math.max(0, longest) };
}

export interface PingStream {
  /** Stops the stream (SIGINT: ping prints its summary) and returns the outage measured. */
  stop(): Promise<OutageReport & { output: string }>;
}

/** Starts `ping -D -i interval` in a namespace; the caller stops it after the event it measures. */
export function startPingStream(state: LabState, ns: string, target: string, intervalMs: number): PingStream {
  const argv = inNs(ns, ['ping', '-n', '-D', '-i', (intervalMs / 1000).toFixed(3), '-W', '1', target]);
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error('could not start ping');
  state.recordProcess(child.pid, 'ping', `ping ${ns} -> ${target}`);
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    async stop() {
      child.kill('SIGINT');
      await exited;
      state.forgetProcess(child.pid!);
      return { ...measureOutage(output, intervalMs), output };
    },
  };
}
