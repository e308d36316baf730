/** The request log (capped) and the counts by status, kind and fault. */
import type { EmulatorCounts, RequestLogEntry } from './types';

const MAX_ENTRIES = 20000;

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private total = 0;
  private byStatus: Record<string, number> = {};
  private byKind: Record<string, number> = {};

  record(entry: RequestLogEntry, kind: string | undefined): void {
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    this.total++;
    this.byStatus[String(entry.status)] = (this.byStatus[String(entry.status)] ?? 0) + 1;
    if (kind) this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
  }

  list(): RequestLogEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  /** Clears the log and the counts. */
  clear(): void {
    this.entries = [];
    this.total = 0;
    this.byStatus = {};
    this.byKind = {};
  }

  counts(extra: Pick<EmulatorCounts, 'faults' | 'throttled' | 'operationsStarted' | 'operationsFailed'>): EmulatorCounts {
    return { requests: this.total, byStatus: { ...this.byStatus }, byKind: { ...this.byKind }, ...extra };
  }
}
