/**
 * What the Azure layer reports while it works. Only the command layer prints these
 * (`src/cli/progress.ts`): a live display on a terminal, timestamped lines otherwise, JSON with --json.
 */
export type OperationKind = 'create' | 'update' | 'wait' | 'delete' | 'read';

export type ApplyEvent =
  /** A long operation begins. `id` is stable for the operation (the plan key). */
  | { type: 'start'; id: string; what: string; kind: OperationKind; at: number }
  /** Its state changed (Azure's provisioning state, or why we wait). */
  | { type: 'state'; id: string; state: string; at: number }
  /** It ended. `unchanged`: nothing to write after all (e.g. a resumed operation finished as desired). */
  | { type: 'end'; id: string; outcome: 'done' | 'unchanged' | 'failed' | 'skipped'; detail?: string; at: number }
  /** Anything worth telling that is not an operation (warnings never carry secrets). */
  | { type: 'note'; level: 'info' | 'warning'; message: string; at: number };

export type ApplyEventSink = (e: ApplyEvent) => void;

/** An event before its time is stamped: what the steps emit, the run adds `at`. */
export type ApplyEventBody = WithoutTime<ApplyEvent>;

type WithoutTime<E> = E extends unknown ? Omit<E, 'at'> : never;
