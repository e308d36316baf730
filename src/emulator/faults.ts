/** Fault injection by rule (count or seeded rate) and per-subscription throttling (token bucket). */
import { ArmError } from './http';
import { seededRandom } from './ids';
import type { FaultKind, FaultRule, FaultStatus, ThrottlingOptions } from './types';

const KINDS: FaultKind[] = ['429-retry-after', '429-retry-after-ms', '500', '503', 'reset', '409-another-operation', 'failOperation'];

interface ActiveRule {
  status: FaultStatus;
  method?: RegExp;
  path?: RegExp;
  random: () => number;
}

/** What the server must do for a request a fault fired on. */
export type FaultAction =
  | { kind: 'reset' }
  | { kind: Exclude<FaultKind, 'reset' | 'failOperation'>; status: number; headers: Record<string, string>; body: unknown };

function compile(source: string | undefined, field: string): RegExp | undefined {
  if (source === undefined || source === '') return undefined;
  try {
    return new RegExp(source, 'i');
  } catch {
    throw new ArmError(400, 'InvalidFaultRule', `${field} is not a valid regular expression: ${source}`);
  }
}

export class FaultInjector {
  private rules: ActiveRule[] = [];
  private nextId = 1;
  readonly fired: Record<string, number> = {};

  add(rule: FaultRule): string {
    if (!KINDS.includes(rule.kind)) {
      throw new ArmError(400, 'InvalidFaultRule', `kind must be one of ${KINDS.join(', ')}; got ${String(rule.kind)}.`);
    }
    if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1)) {
      throw new ArmError(400, 'InvalidFaultRule', `rate must be between 0 and 1; got ${rule.rate}.`);
    }
    if (rule.count !== undefined && !(Number.isInteger(rule.count) && rule.count >= 0)) {
      throw new ArmError(400, 'InvalidFaultRule', `count must be a whole number >= 0; got ${rule.count}.`);
    }
    const id = `fault-${this.nextId++}`;
    this.rules.push({
      status: { ...rule, id, matched: 0, fired: 0 },
      method: compile(rule.method, 'method'),
      path: compile(rule.path, 'path'),
      random: seededRandom(rule.seed ?? 1),
    });
    return id;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.status.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultStatus[] {
    return this.rules.map((r) => ({ ...r.status }));
  }

  private take(method: string, path: string, operationFailure: boolean): ActiveRule | undefined {
    for (const r of this.rules) {
      const s = r.status;
      if ((s.kind === 'failOperation') !== operationFailure) continue;
      if (r.method && !r.method.test(method)) continue;
      if (r.path && !r.path.test(path)) continue;
      const limit = s.count ?? (s.rate !== undefined ? Infinity : 1);
      if (s.fired >= limit) continue;
      s.matched++;
      if (s.matched <= (s.skip ?? 0)) continue;
      if (s.rate !== undefined && r.random() >= s.rate) continue;
      s.fired++;
      this.fired[s.kind] = (this.fired[s.kind] ?? 0) + 1;
      return r;
    }
    return undefined;
  }

  /** Checks the request-level faults (everything but failOperation). */
  onRequest(method: string, path: string): FaultAction | undefined {
    const r = this.take(method, path, false);
    if (!r) return undefined;
    const s = r.status;
    switch (s.kind) {
      case 'reset':
        return { kind: 'reset' };
      case '429-retry-after':
        return {
          kind: s.kind,
          status: 429,
          headers: { 'Retry-After': String(s.retryAfterSeconds ?? 0) },
          body: { error: { code: 'TooManyRequests', message: 'The request was throttled (injected fault).' } },
        };
      case '429-retry-after-ms':
        return {
          kind: s.kind,
          status: 429,
          headers: { 'retry-after-ms': String(s.retryAfterMs ?? 0) },
          body: { error: { code: 'TooManyRequests', message: 'The request was throttled (injected fault).' } },
        };
      case '409-another-operation':
        return {
          kind: s.kind,
          status: 409,
          headers: {},
          body: { error: { code: 'AnotherOperationInProgress', message: 'Another operation on this or dependent resource is in progress (injected fault).' } },
        };
      case '500':
        return {
          kind: s.kind,
          status: 500,
          headers: {},
          body: { error: { code: 'InternalServerError', message: 'An internal server error occurred (injected fault).' } },
        };
      default:
        return {
          kind: '503',
          status: 503,
          headers: s.retryAfterSeconds !== undefined ? { 'Retry-After': String(s.retryAfterSeconds) } : {},
          body: { error: { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable (injected fault).' } },
        };
    }
  }

  /** Called when a request starts a long-running operation: the failure to apply at its end, if a rule fires. */
  takeOperationFailure(method: string, path: string): { code: string; message: string } | undefined {
    const r = this.take(method, path, true);
    if (!r) return undefined;
    return {
      code: r.status.code ?? 'InternalServerError',
      message: r.status.message ?? 'The operation failed (injected fault).',
    };
  }
}

/** One token bucket per subscription. */
export class Throttle {
  private options: ThrottlingOptions | null = null;
  private buckets = new Map<string, { tokens: number; at: number }>();
  throttled = 0;

  set(options: ThrottlingOptions | null): void {
    if (options && !(options.capacity >= 1 && options.refillPerSecond > 0)) {
      throw new ArmError(400, 'InvalidThrottling', 'capacity must be >= 1 and refillPerSecond > 0.');
    }
    this.options = options;
    this.buckets.clear();
  }

  /** undefined = allowed; otherwise the Retry-After seconds to answer with 429. */
  check(sub: string, now: number): number | undefined {
    const o = this.options;
    if (!o) return undefined;
    const key = sub.toLowerCase();
    const b = this.buckets.get(key) ?? { tokens: o.capacity, at: now };
    b.tokens = Math.min(o.capacity, b.tokens + ((now - b.at) / 1000) * o.refillPerSecond);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return undefined;
    }
    this.throttled++;
    return Math.max(1, Math.ceil((1 - b.tokens) / o.refillPerSecond));
  }
}
