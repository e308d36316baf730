/**
 * What the Azure layer reports while it works. Only the command layer prints these
 * (`src/cli/progress.ts`): a live display on a terminal, timestamped lines otherwise, JSON with --json.
 */
export type OperationKind = 'create' | 'update' | 'wait' | 'delete' | 'read';

export type ApplyEvent =
  /**
   * A long operation begins. `id` is stable for the operation (the plan key); `what` names it in words
   * (every event of an operation carries it, so that no reader needs the ids).
   */
  | { type: 'start'; id: string; what: string; kind: OperationKind; at: number }
  /** Its state changed (Azure's provisioning state, or why we wait). */
  | { type: 'state'; id: string; what: string; state: string; at: number }
  /** It ended. `unchanged`: nothing to write after all (e.g. a resumed operation finished as desired). */
  | { type: 'end'; id: string; what: string; outcome: 'done' | 'unchanged' | 'failed' | 'skipped'; detail?: string; at: number }
  /** Anything worth telling that is not an operation (warnings never carry secrets). */
  | { type: 'note'; level: 'info' | 'warning'; message: string; at: number };

export type ApplyEventSink = (e: ApplyEvent) => void;

/**
 * An event as a step emits it: the run adds `at`, and the `what` of a state or an end (its start's, see
 * {@link eventStamper}).
 */
export type ApplyEventBody = Unstamped<ApplyEvent>;

type Unstamped<T> = T extends { type: 'state' | 'end' } ? Omit<T, 'at' | 'what'> & { what?: string } : T extends unknown ? Omit<T, 'at'> : never;

/**
 * Stamps each event with its time, and a state or an end with the `what` of its operation: its start's,
 * or `nameOf(id)` for an operation that never started (a step skipped because another failed).
 */
export function eventStamper(sink: ApplyEventSink, now: () => number, nameOf: (id: string) => string): (e: ApplyEventBody) => void {
  const names = new Map<string, string>();
  return (e) => {
    if (e.type === 'start') names.set(e.id, e.what);
    const at = now();
    if (e.type === 'state' || e.type === 'end') sink({ ...e, what: e.what ?? names.get(e.id) ?? nameOf(e.id), at } as ApplyEvent);
    else sink({ ...e, at } as ApplyEvent);
  };
}
