/**
 * A small work graph: nodes, the nodes each waits for, and an explicit state per node. `run` starts
 * every node whose dependencies are done, in parallel up to a bound, until all have ended. deploy runs
 * the plan's graph; destroy runs one reversed (what is created last is deleted first). What a node does
 * is the caller's action: the graph only orders.
 *
 * States: `pending` (waits for dependencies) -> `ready` (they are done; waits for a free slot) ->
 * `running` -> `done`, `failed` or `skipped` (the action chose not to run, or a dependency failed or was
 * skipped). A failure stops the run by default: no node starts after it, the running ones end, the rest
 * is skipped and the run rejects with that failure.
 */
import { InternalError } from '../../errors';

export type NodeState = 'pending' | 'ready' | 'running' | 'done' | 'failed' | 'skipped';

export interface WorkNode<T> {
  readonly id: string;
  readonly data: T;
  /** Ids of the nodes that must be done before this one starts. */
  readonly dependencies: Set<string>;
  state: NodeState;
}

/** An action resolves `skipped` when its node did not run after all (its dependents are skipped too). */
export type ActionResult = 'done' | 'skipped' | void;

/**
 * What a failed action means for the run: `retry` the node (pending again; the caller may have changed
 * its edges), `continue` without it (its dependents are skipped), or `stop` the run.
 */
export type FailurePolicy = 'retry' | 'continue' | 'stop';

export interface RunOptions<T> {
  /** At most this many actions at once (default: no bound). */
  concurrency?: number;
  /** A node will not run because `cause` failed or was skipped. Not told for the nodes a stop leaves. */
  onSkipped?: (node: WorkNode<T>, cause: WorkNode<T>) => void;
  /** Decides what a failure means (default: `stop`). */
  onFailed?: (node: WorkNode<T>, error: unknown) => FailurePolicy;
}

export class WorkGraph<T> {
  private readonly byId = new Map<string, WorkNode<T>>();

  /** Adds a node; `done` for one with nothing to do (its dependents need not wait for it). */
  addNode(id: string, data: T, o: { dependsOn?: Iterable<string>; state?: 'pending' | 'done' } = {}): WorkNode<T> {
    if (this.byId.has(id)) throw new InternalError('GraphDuplicateNode', `the work graph already has a node ${id}`);
    const node: WorkNode<T> = { id, data, dependencies: new Set(o.dependsOn ?? []), state: o.state ?? 'pending' };
    this.byId.set(id, node);
    return node;
  }

  /** `from` waits for `to`. */
  addDependency(from: string, to: string): void {
    this.node(from).dependencies.add(to);
  }

  removeDependency(from: string, to: string): void {
    this.node(from).dependencies.delete(to);
  }

  node(id: string): WorkNode<T> {
    const n = this.byId.get(id);
    if (!n) throw new InternalError('GraphUnknownNode', `the work graph has no node ${id}`);
    return n;
  }

  tryNode(id: string): WorkNode<T> | undefined {
    return this.byId.get(id);
  }

  /** Every node, in the order added. */
  get nodes(): WorkNode<T>[] {
    return [...this.byId.values()];
  }

  /** The same nodes (data and states) with every edge turned round: who waited is now waited for. */
  reversed(): WorkGraph<T> {
    const out = new WorkGraph<T>();
    for (const n of this.byId.values()) out.byId.set(n.id, { id: n.id, data: n.data, dependencies: new Set(), state: n.state });
    for (const n of this.byId.values()) for (const d of n.dependencies) out.addDependency(d, n.id);
    return out;
  }

  /**
   * Runs `action` for every pending node in dependency order. Resolves once every node has ended;
   * rejects with the failure that stopped the run, or when nodes are left that can never start (a cycle).
   */
  async run(action: (node: WorkNode<T>) => Promise<ActionResult>, o: RunOptions<T> = {}): Promise<void> {
    this.checkDependencies();
    const limit = o.concurrency ?? Infinity;
    const running = new Map<string, Promise<void>>();
    let stop: { error: unknown } | undefined;

    const start = (n: WorkNode<T>): Promise<void> =>
      action(n).then(
        (result) => {
          n.state = result === 'skipped' ? 'skipped' : 'done';
        },
        (error: unknown) => {
          const policy = o.onFailed?.(n, error) ?? 'stop';
          if (policy === 'retry') {
            n.state = 'pending';
            return;
          }
          n.state = 'failed';
          if (policy === 'stop' && stop === undefined) stop = { error };
        },
      );

    for (;;) {
      if (stop === undefined) {
        for (const n of this.byId.values()) {
          if (n.state === 'pending') {
            const cause = this.blockingDependency(n);
            if (cause) {
              n.state = 'skipped';
              o.onSkipped?.(n, cause);
              continue;
            }
            if (![...n.dependencies].every((d) => this.node(d).state === 'done')) continue;
            n.state = 'ready';
          }
          if (n.state !== 'ready' || running.size >= limit) continue;
          n.state = 'running';
          running.set(n.id, start(n));
        }
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
      for (const id of [...running.keys()]) {
        if (this.node(id).state !== 'running') running.delete(id);
      }
    }

    const left = this.nodes.filter((n) => n.state === 'pending' || n.state === 'ready');
    if (stop !== undefined) {
      for (const n of left) n.state = 'skipped';
      throw stop.error;
    }
    if (left.length > 0) throw new InternalError('PlanCycle', `steps never became runnable: ${left.map((n) => n.id).join(', ')}`);
  }

  private blockingDependency(n: WorkNode<T>): WorkNode<T> | undefined {
    for (const d of n.dependencies) {
      const dep = this.node(d);
      if (dep.state === 'failed' || dep.state === 'skipped') return dep;
    }
    return undefined;
  }

  private checkDependencies(): void {
    for (const n of this.byId.values()) {
      for (const d of n.dependencies) {
        if (!this.byId.has(d)) throw new InternalError('GraphUnknownNode', `${n.id} waits for ${d}, which the work graph does not have`);
      }
    }
  }
}
