/**
 * Pacing under Azure throttling, shared by deploy and rotate-key. Azure throttles per subscription, so
 * every request of a run (every site of a fleet run, every step of a deploy) shares one `FleetPacing`:
 *
 * - a pause: after a 429, no step of any site starts before its Retry-After has passed;
 * - a bound on the sites in flight that adapts (AIMD): it halves after a 429 (once per pause, since the
 *   429s of one pause come from the same overload), and grows back by one each time as many sites as
 *   the bound have run from start to end at that bound, with no 429 meanwhile, up to `--concurrency`.
 *
 * The rotation fleet runner owns one per run and runs each site's task inside it (`runWithPacing`), so
 * the rotation runner finds it with `currentPacing()`; a deploy owns one and sends every Azure request
 * through `pacedCall` (`client/pacingPolicy.ts`). `pacedCall` waits out a 429 that outlasted the SDK's own retries
 * (for its Retry-After, pausing the whole run) and, when asked, a passing server failure (5xx, a reset
 * connection), so one burst never ends a long run.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { AzureError } from '../../errors';
import { isThrottled, retryAfterMsOf } from './errors';

export interface PacingOptions {
  /** The most sites in flight (`--concurrency`); the bound starts here. */
  maxInFlight: number;
  /** Milliseconds clock (default Date.now). */
  now?: () => number;
  /** Waits `ms` (default a timer). */
  sleep?: (ms: number) => Promise<void>;
}

/** A change of the bound on sites in flight, for reports and tests. */
export interface PacingChange {
  atMs: number;
  from: number;
  to: number;
  reason: 'throttled' | 'recovered';
}

/** What a 429 did to the fleet: how long the caller waits, and the bound from now on. */
export interface ThrottleVerdict {
  waitMs: number;
  sitesInFlight: number;
}

/** A site's slot; the bound it was granted under decides whether its end counts towards growing back. */
export interface SiteSlot {
  readonly epoch: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class FleetPacing {
  readonly maxInFlight: number;
  /** Every change of the bound, oldest first. */
  readonly changes: PacingChange[] = [];
  /** 429s reported (each after the SDK's own retries). */
  throttles = 0;
  private bound: number;
  private inFlight = 0;
  private resumeAtMs = 0;
  /** A 429 before this time belongs to the pause already taken: no second halving for it. */
  private holdUntilMs = 0;
  private finishedSinceChange = 0;
  /** Bumped at every change of the bound. */
  private epoch = 0;
  private waiters: Array<() => void> = [];
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: PacingOptions) {
    this.maxInFlight = Math.max(1, Math.floor(options.maxInFlight));
    this.bound = this.maxInFlight;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
  }

  /** The bound on sites in flight now. */
  get sitesAllowed(): number {
    return this.bound;
  }

  /** Sites holding a slot now. */
  get sitesInFlight(): number {
    return this.inFlight;
  }

  /** No step may start before this time (ms); 0 when no 429 was seen. */
  get resumeAt(): number {
    return this.resumeAtMs;
  }

  /** Milliseconds left of the pause (0 when no Retry-After is pending). */
  pauseMs(): number {
    return Math.max(0, this.resumeAtMs - this.now());
  }

  /**
   * Resolves when no Retry-After is pending: call it before every request a step sends, and check
   * `pauseMs()` again right before sending (another site may have been throttled meanwhile).
   */
  async ready(): Promise<void> {
    for (let wait = this.resumeAtMs - this.now(); wait > 0; wait = this.resumeAtMs - this.now()) await this.sleep(wait);
  }

  /** Waits for a site slot (the bound not reached, no pause) and takes it; `release` gives it back. */
  async acquire(): Promise<SiteSlot> {
    for (;;) {
      do await this.ready();
      while (this.pauseMs() > 0);
      if (this.inFlight < this.bound) {
        this.inFlight++;
        return { epoch: this.epoch };
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /**
   * A site finished (done or failed): its slot is free. A site that ran wholly under the current bound
   * counts towards growing it back by one.
   */
  release(slot: SiteSlot): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (slot.epoch === this.epoch) this.finishedSinceChange++;
    if (this.bound < this.maxInFlight && this.finishedSinceChange >= this.bound && this.now() >= this.holdUntilMs) {
      this.change(this.bound + 1, 'recovered');
    }
    this.wake();
  }

  /**
   * Azure answered 429 (after the SDK's retries) asking for `retryAfterMs`: the whole fleet pauses until
   * then, and the bound halves unless this 429 falls within a pause already taken.
   */
  throttled(retryAfterMs: number): ThrottleVerdict {
    const now = this.now();
    this.throttles++;
    const until = now + Math.max(0, retryAfterMs);
    if (until > this.resumeAtMs) this.resumeAtMs = until;
    if (now >= this.holdUntilMs) {
      this.holdUntilMs = Math.max(until, now + 1);
      if (this.bound > 1) this.change(Math.max(1, Math.floor(this.bound / 2)), 'throttled');
      // Sites running now lived through the 429: none of them counts towards growing back.
      this.epoch++;
      this.finishedSinceChange = 0;
    }
    return { waitMs: Math.max(0, this.resumeAtMs - now), sitesInFlight: this.bound };
  }

  private change(to: number, reason: PacingChange['reason']): void {
    this.changes.push({ atMs: this.now(), from: this.bound, to, reason });
    this.bound = to;
    this.epoch++;
    this.finishedSinceChange = 0;
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
  }
}

/**
 * Per-request pacing (deploy, destroy): every HTTP request the SDK sends in the run waits out a 429 or a
 * passing server failure itself, after the SDK's own retries (`client/pacingPolicy.ts`). Waiting per
 * request, not per call, never sends a write again because one of its status polls was throttled.
 */
export interface RequestPacing {
  pacing: FleetPacing;
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
  throttleTimeoutMs: number;
  transientTimeoutMs: number;
  /** `what`: the request (`PUT virtualNetworkGateways/ra-vgw`). */
  onWait?: (what: string, w: PacedWait) => void;
}

interface PacingContext {
  pacing: FleetPacing;
  requests?: RequestPacing;
}

const fleetContext = new AsyncLocalStorage<PacingContext>();

/** Runs `task` with `pacing` as the fleet's (what `currentPacing()` returns inside it). */
export function runWithPacing<T>(pacing: FleetPacing, task: () => Promise<T>): Promise<T> {
  return fleetContext.run({ pacing }, task);
}

/** Runs `task` with every SDK request inside it paced as `requests` says (deploy, destroy). */
export function runWithRequestPacing<T>(requests: RequestPacing, task: () => Promise<T>): Promise<T> {
  return fleetContext.run({ pacing: requests.pacing, requests }, task);
}

/** The pacing of the fleet run this code runs in, if any. */
export function currentPacing(): FleetPacing | undefined {
  return fleetContext.getStore()?.pacing;
}

/** The per-request pacing of the run this code runs in, if any. */
export function currentRequestPacing(): RequestPacing | undefined {
  return fleetContext.getStore()?.requests;
}

/** How long a run of server failures is waited out by default: long enough for a regional blip. */
export const TRANSIENT_TIMEOUT_MS = 10 * 60 * 1000;

/** What one wait of `pacedCall` was for, for progress. */
export interface PacedWait {
  reason: 'throttled' | 'unavailable';
  waitMs: number;
  /** The wait is the answer's Retry-After (else a backoff). */
  asked: boolean;
  /** The bound on sites in flight after this 429. */
  sitesInFlight: number;
  /** The attempt that failed (0 = the first). */
  attempt: number;
}

export interface PacedCallOptions {
  pacing: FleetPacing;
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Keep waiting out 429s for at most this long after the first one. */
  throttleTimeoutMs: number;
  /**
   * Also wait out passing server failures past the SDK's retries (500, 502, 503, 504, a reset connection),
   * for at most this long after the first one; undefined: they are thrown at once.
   */
  transientTimeoutMs?: number;
  onWait?: (w: PacedWait) => void;
  /** The error once the time is up (default: the last failure). */
  giveUp?: (e: unknown, reason: PacedWait['reason'], forMs: number) => Error;
}

/** A server failure worth waiting out: 5xx, or the connection reset. Not 501, never a 4xx. */
export function isTransientFailure(e: unknown): boolean {
  if (isThrottled(e)) return false;
  const status = e instanceof AzureError ? e.details.statusCode : (e as { statusCode?: number } | undefined)?.statusCode;
  if (status !== undefined) return [500, 502, 503, 504].includes(status);
  const code = e instanceof AzureError ? e.details.azureCode : (e as { code?: string } | undefined)?.code;
  return code === 'ECONNRESET' || code === 'REQUEST_SEND_ERROR' || code === 'ETIMEDOUT' || code === 'EPIPE';
}

/** Without a Retry-After: 1, 2, 4 ... s, at most 30 s. */
export function backoffMs(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
}

/**
 * Sends one request when no Retry-After is pending; a 429 (after the SDK's own retries) pauses the whole
 * run for its Retry-After (halving the sites in flight) and the request is sent again, for at most
 * `throttleTimeoutMs` after the first 429; a passing server failure likewise when `transientTimeoutMs` is
 * set. `attempt` gets its number: one after a failure must be safe to repeat.
 */
export async function pacedCall<T>(o: PacedCallOptions, attempt: (n: number) => Promise<T>): Promise<T> {
  const sleep = o.sleep ?? realSleep;
  let first: { at: number; reason: PacedWait['reason'] } | undefined;
  let transientTries = 0;
  for (let n = 0; ; n++) {
    // Checked again right before the request goes out: another step may have been throttled meanwhile.
    do await o.pacing.ready();
    while (o.pacing.pauseMs() > 0);
    try {
      return await attempt(n);
    } catch (e) {
      const throttled = isThrottled(e) && !(e instanceof AzureError && e.code === 'AzureThrottled');
      const transient = !throttled && o.transientTimeoutMs !== undefined && isTransientFailure(e);
      if (!throttled && !transient) throw e;
      const reason = throttled ? 'throttled' : 'unavailable';
      const now = o.now();
      if (!first || first.reason !== reason) first = { at: now, reason };
      const asked = retryAfterMsOf(e);
      const waitMs = asked ?? backoffMs(throttled ? n : transientTries);
      const budget = throttled ? o.throttleTimeoutMs : (o.transientTimeoutMs as number);
      const forMs = now - first.at;
      if (forMs + waitMs > budget) throw o.giveUp ? o.giveUp(e, reason, forMs) : e;
      if (throttled) {
        // The pause is the run's: the loop's `ready()` waits it out (it may be longer than this answer asked).
        const verdict = o.pacing.throttled(waitMs);
        o.onWait?.({ reason, waitMs: verdict.waitMs, asked: asked !== undefined, sitesInFlight: verdict.sitesInFlight, attempt: n });
      } else {
        transientTries++;
        o.onWait?.({ reason, waitMs, asked: asked !== undefined, sitesInFlight: o.pacing.sitesAllowed, attempt: n });
        await sleep(waitMs);
      }
    }
  }
}

/** The per-request pacing of a deploy or destroy: one pause for the run, progress notes for its waits. */
export function requestPacingFor(o: {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  throttleTimeoutMs: number;
  transientTimeoutMs?: number;
  note: (message: string) => void;
}): RequestPacing {
  return {
    pacing: new FleetPacing({ maxInFlight: 1, now: o.now, sleep: o.sleep }),
    now: o.now,
    sleep: o.sleep,
    throttleTimeoutMs: o.throttleTimeoutMs,
    transientTimeoutMs: o.transientTimeoutMs ?? TRANSIENT_TIMEOUT_MS,
    onWait: (what, w) =>
      o.note(
        w.reason === 'throttled'
          ? `${what}: Azure throttled the subscription (429) past the SDK's retries; every request waits ${seconds(w.waitMs)} s ${w.asked ? 'as Azure asked (Retry-After)' : '(backing off: no Retry-After)'}, then goes on`
          : `${what}: Azure answered with a server error past the SDK's retries; waiting ${seconds(w.waitMs)} s, then sending it again`,
      ),
  };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 1 : 0);
}
