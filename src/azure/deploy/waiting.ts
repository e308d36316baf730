/**
 * How deploy, destroy and recreate wait on Azure: one set of defaults, and two ways to wait. `pollUntil`
 * reads until a resource is settled (or the time is up); `retryWhileBusy` tries a request again while
 * Azure answers `409 AnotherOperationInProgress` (it serializes operations on a gateway's neighbours).
 */
import { AzureError } from '../../errors';
import { isAnotherOperationInProgress } from '../client/errors';

/** How often a busy resource is read again while waiting. */
export const BUSY_POLL_MS = 10_000;
/** How long to wait for a busy resource before giving up: gateways take 45 minutes and more. */
export const BUSY_TIMEOUT_MS = 2 * 60 * 60 * 1000;
/** How often `--wait-for-circuit` asks whether the provider has provisioned the circuit. */
export const CIRCUIT_POLL_MS = 30_000;

/** What a caller may set; tests shorten the intervals. */
export interface WaitOptions {
  /** Stops every wait (with an AbortError); operations already sent go on in Azure. */
  signal?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** How often a busy resource is read again (default `BUSY_POLL_MS`). */
  busyPollMs?: number;
  /** How long to wait for a busy resource (default `BUSY_TIMEOUT_MS`). */
  busyTimeoutMs?: number;
}

/** The options with their defaults applied, and the signal bound. */
export interface WaitPolicy {
  readonly signal?: AbortSignal;
  readonly pollMs: number;
  readonly timeoutMs: number;
  now(): number;
  /** Sleeps `ms` (one poll interval when not given); rejects when the signal fires. */
  sleep(ms?: number): Promise<void>;
}

export function waitPolicy(o: WaitOptions = {}): WaitPolicy {
  const sleep = o.sleep ?? sleepFor;
  const pollMs = o.busyPollMs ?? BUSY_POLL_MS;
  return {
    ...(o.signal ? { signal: o.signal } : {}),
    pollMs,
    timeoutMs: o.busyTimeoutMs ?? BUSY_TIMEOUT_MS,
    now: o.now ?? Date.now,
    sleep: (ms = pollMs) => sleep(ms, o.signal),
  };
}

export interface Poll<T> {
  read: () => Promise<T>;
  /** Whether the value read ends the wait. */
  done: (value: T) => boolean;
  /** Told each value read. */
  onValue?: (value: T) => void;
  /** A value the caller has just read: the wait starts from it instead of reading first. */
  first?: { value: T };
  /** Stop after this long (default: the policy's timeout; `Infinity` waits as long as it takes). */
  timeoutMs?: number;
  /** Between reads (default: the policy's interval). */
  pollMs?: number;
  /** At the timeout, with the last value: throw, or return what the wait resolves to. */
  timedOut: (last: T) => T;
}

/** Reads until `done`, sleeping between reads; never sleeps past the timeout. */
export async function pollUntil<T>(policy: WaitPolicy, p: Poll<T>): Promise<T> {
  const timeoutMs = p.timeoutMs ?? policy.timeoutMs;
  const pollMs = p.pollMs ?? policy.pollMs;
  const started = policy.now();
  const readOne = async () => {
    const value = await p.read();
    p.onValue?.(value);
    return value;
  };
  let value = p.first ? p.first.value : await readOne();
  for (;;) {
    if (p.done(value)) return value;
    const waited = policy.now() - started;
    if (waited >= timeoutMs) return p.timedOut(value);
    await policy.sleep(Math.min(pollMs, Math.max(1, timeoutMs - waited)));
    value = await readOne();
  }
}

export interface BusyRetry {
  /** Told each time Azure answers 409 AnotherOperationInProgress, before the wait. */
  onBusy?: () => void;
  /** How to wait before the next attempt (default: one poll interval). */
  waitOut?: () => Promise<void>;
  /** Told once the wait is over, before the next attempt. */
  onRetry?: () => void;
  /** The error once Azure has stayed busy for longer than the policy's timeout. */
  timedOut: () => Error;
  /** Any other failure: resolve to try again, or throw (by default it is thrown as it is). */
  onOtherFailure?: (e: unknown) => Promise<void>;
}

/** Runs `attempt` until it succeeds, waiting out `409 AnotherOperationInProgress` up to the timeout. */
export async function retryWhileBusy<T>(policy: WaitPolicy, attempt: () => Promise<T>, how: BusyRetry): Promise<T> {
  const started = policy.now();
  for (;;) {
    try {
      return await attempt();
    } catch (e) {
      if (!isAnotherOperationInProgress(e)) {
        if (!how.onOtherFailure) throw e;
        await how.onOtherFailure(e);
        continue;
      }
      if (policy.now() - started > policy.timeoutMs) throw how.timedOut();
      how.onBusy?.();
      await (how.waitOut ? how.waitOut() : policy.sleep());
      how.onRetry?.();
    }
  }
}

/** The error of a wait that took too long. */
export function stillInProgress(message: string, field: string | undefined, hint: string): AzureError {
  return new AzureError('OperationStillInProgress', message, field ? { field } : {}, hint);
}

/** Sleeps; rejects with an AbortError when the signal fires. */
export function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(): Error {
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  return e;
}
