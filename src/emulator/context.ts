/** What every handler receives: the store, the operation engine, fault injection and the current settings. */
import type { FaultInjector } from './faults';
import type { OperationEngine } from './lro';
import type { Store } from './state';
import type { EmulatorDurations } from './types';

export interface EmulatorSettings {
  durations: EmulatorDurations;
  retryAfterSeconds: number;
}

export interface EmulatorContext {
  store: Store;
  lro: OperationEngine;
  faults: FaultInjector;
  settings: EmulatorSettings;
  /** https://127.0.0.1:PORT of the ARM listener. */
  endpoint(): string;
  now(): number;
}

export const DEFAULT_DURATIONS: EmulatorDurations = {
  gatewayMs: 2000,
  connectionMs: 1000,
  setSharedKeyMs: 500,
  defaultMs: 200,
};
