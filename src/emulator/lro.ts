/**
 * Long-running operations: each has an id, absolute polling URLs on this server, and a timer that
 * completes it after the configured duration. `stopAll` clears every timer.
 */
import { ArmError, type HandlerResult } from './http';
import { NETWORK_API_VERSION, newGuid } from './ids';

export type OperationStatus = 'InProgress' | 'Succeeded' | 'Failed';

export interface Operation {
  id: string;
  sub: string;
  location: string;
  status: OperationStatus;
  startTime: string;
  endTime?: string;
  error?: { code: string; message: string };
  /** What the Location URL answers once the operation succeeded. */
  result?: HandlerResult;
}

export interface StartOptions {
  sub: string;
  location: string;
  durationMs: number;
  /** Set when an injected fault makes this operation fail. */
  fail?: { code: string; message: string };
  /** Applies the operation's effect; its return value is the Location result (default 204). May throw ArmError. */
  complete: () => HandlerResult | void;
  /** Called instead of `complete` when the operation fails. */
  failed?: (error: { code: string; message: string }) => void;
}

export class OperationEngine {
  private readonly ops = new Map<string, Operation>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private shutDown = false;
  started = 0;
  failedCount = 0;

  constructor(
    private readonly endpoint: () => string,
    private readonly retryAfter: () => number,
    /** Called after an operation finished (the store persists). */
    private readonly onSettled: () => void,
  ) {}

  start(opts: StartOptions): Operation {
    const op: Operation = {
      id: newGuid(),
      sub: opts.sub,
      location: opts.location || 'global',
      status: 'InProgress',
      startTime: new Date().toISOString(),
    };
    this.ops.set(op.id, op);
    this.started++;
    // After shutdown an operation never finishes here; the next start from the state dir settles it.
    if (this.shutDown) return op;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.finish(op, opts);
    }, Math.max(0, opts.durationMs));
    this.timers.add(timer);
    return op;
  }

  private finish(op: Operation, opts: StartOptions): void {
    if (op.status !== 'InProgress') return;
    if (opts.fail) {
      this.fail(op, opts, opts.fail);
    } else {
      try {
        op.result = opts.complete() ?? { status: 204 };
        op.status = 'Succeeded';
      } catch (e) {
        const err = e instanceof ArmError ? { code: e.code, message: e.message } : { code: 'InternalServerError', message: String(e) };
        this.fail(op, opts, err);
      }
    }
    op.endTime = new Date().toISOString();
    this.onSettled();
  }

  private fail(op: Operation, opts: StartOptions, error: { code: string; message: string }): void {
    op.status = 'Failed';
    op.error = error;
    this.failedCount++;
    opts.failed?.(error);
  }

  get(id: string): Operation | undefined {
    return this.ops.get(id);
  }

  asyncOperationUrl(op: Operation): string {
    return `${this.endpoint()}/subscriptions/${op.sub}/providers/Microsoft.Network/locations/${op.location}/operations/${op.id}?api-version=${NETWORK_API_VERSION}`;
  }

  locationUrl(op: Operation): string {
    return `${this.endpoint()}/subscriptions/${op.sub}/providers/Microsoft.Network/locations/${op.location}/operationResults/${op.id}?api-version=${NETWORK_API_VERSION}`;
  }

  /** Headers of a PUT that started `op`: Azure-AsyncOperation and Retry-After. */
  putHeaders(op: Operation): Record<string, string> {
    return { 'Azure-AsyncOperation': this.asyncOperationUrl(op), 'Retry-After': String(this.retryAfter()) };
  }

  /** Headers of a POST or DELETE that started `op`: Azure-AsyncOperation, Location and Retry-After. */
  acceptedHeaders(op: Operation): Record<string, string> {
    return { ...this.putHeaders(op), Location: this.locationUrl(op) };
  }

  /** GET on the Azure-AsyncOperation URL. */
  statusResult(id: string): HandlerResult {
    const op = this.mustGet(id);
    const body: Record<string, unknown> = { id: this.asyncOperationUrl(op).split('?')[0].slice(this.endpoint().length), name: op.id, status: op.status, startTime: op.startTime };
    if (op.endTime) body.endTime = op.endTime;
    if (op.error) body.error = op.error;
    const headers: Record<string, string> = op.status === 'InProgress' ? { 'Retry-After': String(this.retryAfter()) } : {};
    return { status: 200, body, headers };
  }

  /** GET on the Location URL: 202 while running, then the operation's result. */
  locationResult(id: string): HandlerResult {
    const op = this.mustGet(id);
    if (op.status === 'InProgress') {
      return { status: 202, headers: { Location: this.locationUrl(op), 'Retry-After': String(this.retryAfter()) } };
    }
    if (op.status === 'Failed') {
      return { status: 400, body: { error: op.error } };
    }
    return op.result ?? { status: 204 };
  }

  private mustGet(id: string): Operation {
    const op = this.ops.get(id);
    if (!op) throw new ArmError(404, 'OperationNotFound', `Operation ${id} was not found.`);
    return op;
  }

  stopAll(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Clears every timer and starts no new one (the emulator is stopping). */
  shutdown(): void {
    this.shutDown = true;
    this.stopAll();
  }

  clear(): void {
    this.stopAll();
    this.ops.clear();
  }
}
