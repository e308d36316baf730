/** In-memory stand-ins for the journal and Azure, for the runner's unit tests. */
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

/** One connection's key with Azure's set-key behaviour: the connection is Updating for `updatingReads` reads. */
export class FakeAzure implements SharedKeyApi {
  keys = new Map<string, string>();
  state = new Map<string, string>();
  sets = 0;
  failNextSets = 0;
  updatingReads = 1;
  private pendingUpdating = new Map<string, number>();

  async getSharedKey(_rg: string, connection: string): Promise<string> {
    const k = this.keys.get(connection);
    if (k === undefined) throw new AzureError('ResourceNotFound', `connection ${connection} not found`, { statusCode: 404 });
    return k;
  }
  async setSharedKey(_rg: string, connection: string, key: string): Promise<void> {
    if (this.failNextSets > 0) {
      this.failNextSets--;
      throw new AzureError('InternalServerError', 'the operation failed', { statusCode: 500 });
    }
    this.sets++;
    this.keys.set(connection, key);
    this.pendingUpdating.set(connection, this.updatingReads);
  }
  async getConnection(_rg: string, connection: string): Promise<{ provisioningState?: string; connectionStatus?: string } | undefined> {
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
