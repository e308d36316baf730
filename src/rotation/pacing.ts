/**
 * Fleet pacing under Azure throttling. Azure throttles per subscription, so every site of a fleet run
 * shares one `FleetPacing`:
 *
 * - a pause: after a 429, no step of any site starts before its Retry-After has passed;
 * - a bound on the sites in flight that adapts (AIMD): it halves after a 429 (once per pause, since the
 *   429s of one pause come from the same overload), and grows back by one each time as many sites as
 *   the bound have run from start to end at that bound, with no 429 meanwhile, up to `--concurrency`.
 *
 * The fleet runner (`fleet.ts`) owns one per run and runs each site's task inside it
 * (`runWithPacing`), so the rotation runner (`run.ts`) finds it with `currentPacing()`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

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

const fleetContext = new AsyncLocalStorage<FleetPacing>();

/** Runs `task` with `pacing` as the fleet's (what `currentPacing()` returns inside it). */
export function runWithPacing<T>(pacing: FleetPacing, task: () => Promise<T>): Promise<T> {
  return fleetContext.run(pacing, task);
}

/** The pacing of the fleet run this code runs in, if any. */
export function currentPacing(): FleetPacing | undefined {
  return fleetContext.getStore();
}
