/** In-memory stand-ins for the journal and Azure, for the runner's unit tests. */
import { toAzureError } from '../../../src/azure/client/errors';
import { AzureError } from '../../../src/errors';
import type { RotationRecord } from '../../../src/rotation/machine';
import type { Checkpoint, RotationStore, SharedKeyApi, VaultSlot } from '../../../src/rotation/ports';
import type { RotationDeps, RotationSite } from '../../../src/rotation/run';

/** A journal that stores copies, as a disk would: a crash after `write` keeps the record. */
export class MemoryStore implements RotationStore {
  readonly records = new Map<string, string>();
  writes = 0;
  async read(_site: string, connection: string): Promise<RotationRecord | undefined> {
    const text = this.records.get(connection);
    return text === undefined ? undefined : (JSON.parse(text) as RotationRecord);
  }
  async write(record: RotationRecord): Promise<void> {
    this.writes++;
    this.records.set(record.connection, JSON.stringify(record));
  }
  peek(connection: string): RotationRecord | undefined {
    const text = this.records.get(connection);
    return text === undefined ? undefined : (JSON.parse(text) as RotationRecord);
  }
}

export type FakeOp = 'getSharedKey' | 'setSharedKey' | 'getConnection';

/**
 * Azure answering 429 after the SDK's retries, as `toAzureError` maps it. `times` calls matching `op` (and
 * `connection` when given) are refused; `retryAfterMs` undefined sends no Retry-After header. `landed`
 * (set-key only): Azure accepted the key before the 429, as when the operation's poll was throttled.
 */
export interface ThrottleRule {
  op: FakeOp;
  connection?: string;
  times: number;
  retryAfterMs?: number;
  landed?: boolean;
}

/** One call the fake received: when (its clock), what, for which connection, and whether it was throttled. */
export interface FakeCall {
  at: number;
  op: FakeOp;
  connection: string;
  throttled?: { retryAfterMs?: number };
}

/** One connection's key with Azure's set-key behaviour: the connection is Updating for `updatingReads` reads. */
export class FakeAzure implements SharedKeyApi {
  keys = new Map<string, string>();
  state = new Map<string, string>();
  sets = 0;
  failNextSets = 0;
  updatingReads = 1;
  throttles: ThrottleRule[] = [];
  readonly calls: FakeCall[] = [];
  private pendingUpdating = new Map<string, number>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** Records the call; throws the mapped 429 when a throttle rule matches (after `land` for a landed set-key). */
  private enter(op: FakeOp, connection: string, land?: () => void): void {
    const rule = this.throttles.find((r) => r.op === op && r.times > 0 && (r.connection === undefined || r.connection === connection));
    const call: FakeCall = { at: this.clock(), op, connection };
    this.calls.push(call);
    if (!rule) return;
    rule.times--;
    call.throttled = rule.retryAfterMs === undefined ? {} : { retryAfterMs: rule.retryAfterMs };
    if (rule.landed) land?.();
    const headers = new Map<string, string>(rule.retryAfterMs === undefined ? [] : [['retry-after-ms', String(rule.retryAfterMs)]]);
    throw toAzureError(
      { statusCode: 429, code: 'SubscriptionRequestsThrottled', message: 'Number of requests for subscription exceeded the limit.', response: { headers: { get: (n: string) => headers.get(n.toLowerCase()) } } },
      { operation: op, resource: connection },
    );
  }

  async getSharedKey(_rg: string, connection: string): Promise<string> {
    this.enter('getSharedKey', connection);
    const k = this.keys.get(connection);
    if (k === undefined) throw new AzureError('ResourceNotFound', `connection ${connection} not found`, { statusCode: 404 });
    return k;
  }
  async setSharedKey(_rg: string, connection: string, key: string): Promise<void> {
    this.enter('setSharedKey', connection, () => this.land(connection, key));
    if (this.failNextSets > 0) {
      this.failNextSets--;
      throw new AzureError('InternalServerError', 'the operation failed', { statusCode: 500 });
    }
    this.land(connection, key);
  }
  private land(connection: string, key: string): void {
    this.sets++;
    this.keys.set(connection, key);
    this.pendingUpdating.set(connection, this.updatingReads);
  }
  async getConnection(_rg: string, connection: string): Promise<{ provisioningState?: string; connectionStatus?: string } | undefined> {
    this.enter('getConnection', connection);
    if (!this.keys.has(connection)) return undefined;
    const left = this.pendingUpdating.get(connection) ?? 0;
    if (left > 0) {
      this.pendingUpdating.set(connection, left - 1);
      return { provisioningState: 'Updating', connectionStatus: 'Connecting' };
    }
    return { provisioningState: 'Succeeded', connectionStatus: 'Connected' };
  }
}

export class MemoryVault implements VaultSlot {
  versions: { value: string; tags: Record<string, string> }[] = [];
  readonly label = 'kv-test/hq-psk';
  async readLatest(): Promise<string | undefined> {
    return this.versions.at(-1)?.value;
  }
  async storeVersion(value: string, tags: Record<string, string>): Promise<string> {
    this.versions.push({ value, tags });
    return `v${this.versions.length}`;
  }
}

export class SimulatedCrash extends Error {}

export const SITE: RotationSite = { site: 'hq', connection: 'cn-hq', resourceGroup: 'rg' };

/** Deterministic deps: a counter clock, numbered keys, no real sleeping. */
export function makeDeps(store: MemoryStore, azure: FakeAzure | undefined, extra: Partial<RotationDeps> = {}): RotationDeps & { bundles: { site: string; key: string }[] } {
  let tick = 0;
  let keyNo = 0;
  const bundles: { site: string; key: string }[] = [];
  return {
    store,
    ...(azure ? { azure } : {}),
    writeBundle: async (site, key) => {
      bundles.push({ site, key });
      return { dir: `out/next/${site}` };
    },
    generateKey: () => `NewKey${++keyNo}${'x'.repeat(20)}`,
    now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++)),
    sleep: async () => undefined,
    confirm: { timeoutMs: 60_000, intervalMs: 1000 },
    bundles,
    ...extra,
  };
}

export function crashAt(point: Checkpoint): RotationDeps['checkpoint'] {
  return (p) => {
    if (p === point) throw new SimulatedCrash(`crash at ${p}`);
  };
}
