/** Reading the emulator's request log: writes per resource, polling gaps, retries sent too early. Pure. */
import type { RequestLogEntry } from '../src/emulator/types';

const OPERATION = /\/providers\/Microsoft\.Network\/locations\/[^/]+\/(operations|operationResults)\/([^/]+)$/i;

/** ARM write requests (anything but GET and HEAD), emulator control excluded. */
export function armWrites(log: readonly RequestLogEntry[]): RequestLogEntry[] {
  return log.filter((e) => e.service === 'arm' && !e.path.startsWith('/__emulator') && e.method !== 'GET' && e.method !== 'HEAD');
}

/** Accepted writes (2xx) per `METHOD path`. */
export function acceptedWritesByTarget(log: readonly RequestLogEntry[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of armWrites(log)) {
    if (e.status < 200 || e.status >= 300) continue;
    const k = `${e.method} ${e.path.toLowerCase()}`;
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

export interface PollGaps {
  /** Per operation, the gap between its first and second poll (the SDK polls twice right after the write). */
  first: number[];
  /** Every later gap between consecutive polls of one operation: the interval the client keeps. */
  steady: number[];
}

/** Milliseconds between consecutive polls of the same long-running operation. */
export function pollGapsMs(log: readonly RequestLogEntry[]): PollGaps {
  const times = new Map<string, number[]>();
  for (const e of log) {
    if (e.method !== 'GET') continue;
    const m = OPERATION.exec(e.path);
    if (!m) continue;
    const list = times.get(m[2]) ?? [];
    list.push(Date.parse(e.time));
    times.set(m[2], list);
  }
  const gaps: PollGaps = { first: [], steady: [] };
  for (const list of times.values()) {
    for (let i = 1; i < list.length; i++) (i === 1 ? gaps.first : gaps.steady).push(list[i] - list[i - 1]);
  }
  return gaps;
}

export interface EarlyRetry {
  method: string;
  path: string;
  /** When the 429 was answered (arrival of the throttled request). */
  throttledAt: string;
  /** When the same request came again. */
  retriedAt: string;
  earlyByMs: number;
}

/**
 * Requests repeated before the Retry-After of the 429 they got: for each 429, the next request with the
 * same method and path must arrive at least `retryAfterMs(entry)` later (1 ms of tolerance for the
 * millisecond timestamps).
 */
export function earlyRetries(log: readonly RequestLogEntry[], retryAfterMs: (e: RequestLogEntry) => number): EarlyRetry[] {
  const out: EarlyRetry[] = [];
  const sorted = [...log].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  sorted.forEach((e, i) => {
    if (e.status !== 429) return;
    const next = sorted.slice(i + 1).find((x) => x.method === e.method && x.path === e.path && x.service === e.service);
    if (!next) return;
    const gap = Date.parse(next.time) - Date.parse(e.time);
    const wait = retryAfterMs(e);
    if (gap < wait - 1) out.push({ method: e.method, path: e.path, throttledAt: e.time, retriedAt: next.time, earlyByMs: wait - gap });
  });
  return out;
}

/** Requests per kind, e.g. `PUT virtualNetworkGateways`, from the emulator's counts (faulted ones have none). */
export function sortedKinds(byKind: Record<string, number>): Array<[string, number]> {
  return Object.entries(byKind).sort(([a], [b]) => a.localeCompare(b));
}
