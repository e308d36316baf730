import { AzureError, UsageError } from '../../src/errors';
import { keysOf } from '../../src/rotation/machine';
import { CHECKPOINTS, type Checkpoint } from '../../src/rotation/ports';
import { runRotation, type SiteOutcome } from '../../src/rotation/run';
import { crashAt, FakeAzure, makeDeps, MemoryStore, MemoryVault, SimulatedCrash, SITE } from './helpers/fakes';

const OLD = 'OldKeyFromDeploy0000000000000000';

function setup() {
  const store = new MemoryStore();
  const azure = new FakeAzure();
  azure.keys.set(SITE.connection, OLD);
  return { store, azure };
}

function withoutSecrets(o: SiteOutcome): string {
  const { secrets: _s, ...rest } = o;
  return JSON.stringify(rest);
}

describe('rotate-key runner: the whole cycle', () => {
  it('prepare leaves Azure alone, apply sets and confirms, rollback restores the previous key', async () => {
    const { store, azure } = setup();
    azure.updatingReads = 2;
    const deps = makeDeps(store, azure);

    const prepared = await runRotation('prepare', SITE, deps);
    const record = store.peek(SITE.connection);
    const newKey = record?.pending?.key as string;
    expect(prepared.state).toBe('prepared');
    expect(newKey).toMatch(/^NewKey1/);
    expect(azure.keys.get(SITE.connection)).toBe(OLD);
    expect(azure.sets).toBe(0);
    expect(deps.bundles).toEqual([{ site: 'hq', key: newKey }]);

    const applied = await runRotation('apply', SITE, deps);
    expect(applied.state).toBe('applied');
    expect(applied.connectionStatus).toBe('Connected');
    expect(azure.keys.get(SITE.connection)).toBe(newKey);
    const after = store.peek(SITE.connection);
    expect(after?.current?.key).toBe(newKey);
    expect(after?.previous?.key).toBe(OLD);
    expect(after?.previous?.origin).toBe('azure');
    expect(after?.pending).toBeUndefined();

    const rolled = await runRotation('rollback', SITE, deps);
    expect(rolled.state).toBe('rolled-back');
    expect(azure.keys.get(SITE.connection)).toBe(OLD);
    const back = store.peek(SITE.connection);
    expect(back?.current?.key).toBe(OLD);
    expect(back?.previous?.key).toBe(newKey);
    expect(deps.bundles.at(-1)).toEqual({ site: 'hq', key: OLD });

    for (const o of [prepared, applied, rolled]) {
      expect(withoutSecrets(o)).not.toContain(newKey);
      expect(withoutSecrets(o)).not.toContain(OLD);
    }
  });

  it('waits while the connection is Updating after set-key, and gives up with a resumable error', async () => {
    const { store, azure } = setup();
    azure.updatingReads = 100;
    let now = 0;
    const deps = makeDeps(store, azure, { now: () => new Date(now), sleep: async (ms) => void (now += ms), confirm: { timeoutMs: 5000, intervalMs: 1000 } });
    await runRotation('prepare', SITE, deps);
    await expect(runRotation('apply', SITE, deps)).rejects.toMatchObject({ code: 'KeyNotConfirmed' });
    expect(store.peek(SITE.connection)?.state).toBe('applying');
    azure.updatingReads = 0;
    (azure as unknown as { pendingUpdating: Map<string, number> }).pendingUpdating.clear();
    const done = await runRotation('apply', SITE, deps);
    expect(done.state).toBe('applied');
    expect(done.alreadyInPlace).toBe(true);
    expect(azure.sets).toBe(1);
  });

  it('a second prepare keeps the first prepared key (the bundle may already be staged)', async () => {
    const { store, azure } = setup();
    const deps = makeDeps(store, azure);
    await runRotation('prepare', SITE, deps);
    const first = store.peek(SITE.connection)?.pending?.key;
    const again = await runRotation('prepare', SITE, deps);
    expect(again.reused).toBe(true);
    expect(store.peek(SITE.connection)?.pending?.key).toBe(first);
    expect(deps.bundles.map((b) => b.key)).toEqual([first, first]);
  });

  it('the next rotation replaces the previous key only once it is applied', async () => {
    const { store, azure } = setup();
    const deps = makeDeps(store, azure);
    await runRotation('prepare', SITE, deps);
    await runRotation('apply', SITE, deps);
    const k1 = store.peek(SITE.connection)?.current?.key as string;
    await runRotation('prepare', SITE, deps);
    expect(store.peek(SITE.connection)?.previous?.key).toBe(OLD);
    await runRotation('apply', SITE, deps);
    const r = store.peek(SITE.connection);
    expect(r?.previous?.key).toBe(k1);
    expect(r?.current?.key).toBe(azure.keys.get(SITE.connection));
  });
});

describe('rotate-key runner: refusals', () => {
  it('apply without prepare, rollback of a prepared key, and a second rotation during apply are refused', async () => {
    const { store, azure } = setup();
    const deps = makeDeps(store, azure);
    await expect(runRotation('apply', SITE, deps)).rejects.toMatchObject({ code: 'NothingPrepared' });
    await runRotation('prepare', SITE, deps);
    await expect(runRotation('rollback', SITE, deps)).rejects.toMatchObject({ code: 'NothingApplied' });
    azure.failNextSets = 1;
    await expect(runRotation('apply', SITE, deps)).rejects.toBeInstanceOf(AzureError);
    await expect(runRotation('prepare', SITE, deps)).rejects.toBeInstanceOf(UsageError);
    await expect(runRotation('abort', SITE, deps)).rejects.toMatchObject({ code: 'RotationInProgress' });
  });

  it('abort drops a prepared key, never touches Azure, and a re-run reports nothing to abort', async () => {
    const { store, azure } = setup();
    const deps = makeDeps(store, azure);
    await runRotation('prepare', SITE, deps);
    const aborted = await runRotation('abort', SITE, deps);
    expect(aborted.state).toBe('idle');
    expect(store.peek(SITE.connection)?.pending).toBeUndefined();
    expect(azure.sets).toBe(0);
    const again = await runRotation('abort', SITE, deps);
    expect(again.message).toMatch(/nothing to abort/);
  });

  it('abort after an applied rotation returns to applied, so its rollback stays possible', async () => {
    const { store, azure } = setup();
    const deps = makeDeps(store, azure);
    await runRotation('prepare', SITE, deps);
    await runRotation('apply', SITE, deps);
    await runRotation('prepare', SITE, deps);
    expect((await runRotation('abort', SITE, deps)).state).toBe('applied');
    expect((await runRotation('rollback', SITE, deps)).state).toBe('rolled-back');
    expect(azure.keys.get(SITE.connection)).toBe(OLD);
  });
});

describe('rotate-key runner: Azure failing set-key', () => {
  it('keeps the journal applying with both keys; a re-run finishes, or rollback restores the old key', async () => {
    const { store, azure } = setup();
    const deps = makeDeps(store, azure);
    await runRotation('prepare', SITE, deps);
    azure.failNextSets = 1;
    await expect(runRotation('apply', SITE, deps)).rejects.toMatchObject({ code: 'InternalServerError' });
    const r = store.peek(SITE.connection);
    expect(r?.state).toBe('applying');
    expect(r?.current?.key).toBe(OLD);
    expect(azure.keys.get(SITE.connection)).toBe(OLD);

    const st = await runRotation('status', SITE, deps);
    expect(st.azure).toBe('current');
    expect(st.message).toMatch(/apply again/);

    const rolled = await runRotation('rollback', SITE, deps);
    expect(rolled.state).toBe('rolled-back');
    expect(rolled.alreadyInPlace).toBe(true);
    expect(azure.keys.get(SITE.connection)).toBe(OLD);
    const after = store.peek(SITE.connection);
    expect(after?.current?.key).toBe(OLD);
    expect(after?.previous?.key).toBe(r?.pending?.key);
  });
});

describe('rotate-key runner: Key Vault', () => {
  it('stores one new version per rotation and rollback, none on a re-run', async () => {
    const { store, azure } = setup();
    const vault = new MemoryVault();
    const site = { ...SITE, vault };
    const deps = makeDeps(store, azure);
    await runRotation('prepare', site, deps);
    expect(vault.versions).toHaveLength(0);
    const applied = await runRotation('apply', site, deps);
    expect(applied.vaultVersion).toBe('v1');
    expect(vault.versions[0]?.value).toBe(azure.keys.get(SITE.connection));
    const rerun = await runRotation('apply', site, deps);
    expect(rerun.vaultVersion).toBeUndefined();
    await runRotation('rollback', site, deps);
    expect(vault.versions.map((v) => v.value)).toEqual([vault.versions[0]?.value, OLD]);
    expect(vault.versions[1]?.tags['rotation-state']).toBe('rolled-back');
  });
});

/**
 * A crash at every named step of prepare, apply and rollback, then the same action run again (and the
 * rest of the cycle): no key is ever lost, and at the end Azure and the journal agree.
 */
describe('rotate-key runner: a crash at every step, then a re-run', () => {
  const actionOf = (p: Checkpoint) => p.split(':')[0] as 'prepare' | 'apply' | 'rollback' | 'abort';
  const cyclePoints = CHECKPOINTS.filter((p) => actionOf(p) !== 'abort');

  it.each(cyclePoints)('crash at %s', async (point) => {
    const { store, azure } = setup();
    const vault = new MemoryVault();
    const site = { ...SITE, vault };
    const everHeld = new Set<string>([OLD]);
    const realSet = azure.setSharedKey.bind(azure);
    azure.setSharedKey = async (rg, cn, key) => {
      everHeld.add(key);
      return realSet(rg, cn, key);
    };
    const crashing = makeDeps(store, azure, { checkpoint: crashAt(point) });
    const steady = makeDeps(store, azure);
    const noKeyLost = () => {
      const record = store.peek(SITE.connection);
      const held = azure.keys.get(SITE.connection) as string;
      if (!record) {
        // Only a crash before the first journal write leaves no record, and then Azure was never touched.
        expect(held).toBe(OLD);
        return;
      }
      // The journal knows the key Azure holds and the deploy-time key (the rollback target) at every point.
      const known = new Set(keysOf(record));
      expect(known.has(held)).toBe(true);
      expect(known.has(OLD)).toBe(true);
    };

    for (const action of ['prepare', 'apply', 'rollback'] as const) {
      if (action === actionOf(point)) {
        await expect(runRotation(action, site, crashing)).rejects.toBeInstanceOf(SimulatedCrash);
        noKeyLost();
      }
      const o = await runRotation(action, site, steady);
      noKeyLost();
      expect(o.action).toBe(action);
    }
    const end = store.peek(SITE.connection);
    expect(end?.state).toBe('rolled-back');
    expect(end?.current?.key).toBe(OLD);
    expect(azure.keys.get(SITE.connection)).toBe(OLD);
    expect(end?.previous?.key).not.toBe(OLD);
    expect(everHeld.has(end?.previous?.key as string)).toBe(true);
    // The vault's latest version is what Azure holds.
    expect(vault.versions.at(-1)?.value).toBe(OLD);
    // The prepared key was never replaced by a re-run.
    expect(everHeld.size).toBe(2);
  });
});

describe('rotate-key status wording', () => {
  it('a key set outside tunnelsmith: "Azure holds a key the journal does not know"; a known one is named', async () => {
    const { store, azure } = setup();
    const deps = makeDeps(store, azure);
    await runRotation('prepare', SITE, deps);
    azure.keys.set(SITE.connection, 'SetByHandInThePortal000000000000');
    const unknown = await runRotation('status', SITE, deps);
    expect(unknown.azure).toBe('unknown-key');
    expect(unknown.message).toMatch(/; Azure holds a key the journal does not know$/);
    azure.keys.set(SITE.connection, OLD);
    expect((await runRotation('status', SITE, deps)).message).toMatch(/; Azure holds the current key$/);
  });
});

describe('apply and the staged bundle', () => {
  it('never sets a key while the staged bundle lacks it (exit 3, Azure untouched); once applying, it finishes regardless', async () => {
    const { store, azure } = setup();
    const deps = makeDeps(store, azure);
    await runRotation('prepare', SITE, deps);
    const pending = store.peek(SITE.connection)?.pending?.key as string;
    const asked: string[] = [];
    const stale = { ...deps, checkStaged: async (site: string, key: string) => (asked.push(`${site} ${key}`), 'in out/next/hq does not carry the prepared key') };
    const err = await runRotation('apply', SITE, stale).catch((e: unknown) => e);
    expect((err as { exitCode: number }).exitCode).toBe(3);
    expect((err as Error).message).toBe('site hq: the staged bundle in out/next/hq does not carry the prepared key; the new key was not set on Azure');
    expect(asked).toEqual([`hq ${pending}`]);
    expect(azure.sets).toBe(0);
    expect(store.peek(SITE.connection)?.state).toBe('prepared');

    // Cut short after the journal said applying: Azure may hold the new key, so finishing is the only way on.
    const ok = { ...deps, checkStaged: async () => undefined };
    await expect(runRotation('apply', SITE, { ...ok, checkpoint: crashAt('apply:journal-applying') })).rejects.toBeInstanceOf(SimulatedCrash);
    expect(store.peek(SITE.connection)?.state).toBe('applying');
    asked.length = 0;
    expect((await runRotation('apply', SITE, stale)).state).toBe('applied');
    expect(asked).toEqual([]);
    expect(azure.keys.get(SITE.connection)).toBe(pending);
  });
});
