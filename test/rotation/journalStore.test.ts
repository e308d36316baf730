import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { keyJournalDir, readKeyJournal, writeKeyJournal } from '../../src/io/keyJournal';
import { createJournalRotationStore, entryFromRecord, recordFromEntry } from '../../src/rotation/journalStore';
import { runRotation } from '../../src/rotation/run';
import { FakeAzure, makeDeps, SITE } from './helpers/fakes';

const HUB = 'rg/vnet';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ts-journal-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('rotation records in the key journal', () => {
  it('a deploy entry reads as idle with its key current; rotation keeps the entry readable by deploy', async () => {
    const journal = keyJournalDir(path.join(dir, 'hub.yaml'));
    await writeKeyJournal(journal, { version: 1, hub: HUB, site: 'hq', connectionName: SITE.connection, current: { key: 'DeployKey1', origin: 'generated', state: 'active', since: '2026-01-01T00:00:00.000Z' } });
    const store = createJournalRotationStore(journal, HUB);
    const before = await store.read('hq', SITE.connection);
    expect(before).toMatchObject({ state: 'idle', current: { key: 'DeployKey1', origin: 'generated' } });

    const azure = new FakeAzure();
    azure.keys.set(SITE.connection, 'DeployKey1');
    const deps = makeDeps(store as never, azure);
    await runRotation('prepare', SITE, deps);
    const mid = await readKeyJournal(journal, HUB, SITE.connection);
    expect(mid?.current).toMatchObject({ key: 'DeployKey1', state: 'active' });
    expect(mid?.pending).toMatchObject({ state: 'pending', origin: 'rotation' });
    await runRotation('apply', SITE, deps);
    const after = await readKeyJournal(journal, HUB, SITE.connection);
    expect(after?.current.key).toBe(azure.keys.get(SITE.connection));
    expect(after?.previous).toMatchObject({ key: 'DeployKey1', state: 'retired' });
    expect(after?.pending).toBeUndefined();
    expect((after as { rotation?: { state: string } }).rotation?.state).toBe('applied');
  });

  it('writes 0700 folders and 0600 files, and leaves no temporary file', async () => {
    const journal = keyJournalDir(path.join(dir, 'hub.yaml'));
    const store = createJournalRotationStore(journal, HUB);
    const azure = new FakeAzure();
    azure.keys.set(SITE.connection, 'AzureKey1');
    await runRotation('prepare', SITE, makeDeps(store as never, azure));
    expect(statSync(path.dirname(journal)).mode & 0o777).toBe(0o700);
    expect(statSync(journal).mode & 0o777).toBe(0o700);
    const files = readdirSync(journal);
    expect(files).toEqual(['rg+cn-hq.json']);
    expect(statSync(path.join(journal, files[0] as string)).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(journal, files[0] as string), 'utf8')).toContain('AzureKey1');
  });

  it('maps records both ways without losing a key or the state', () => {
    const record = {
      site: 'hq',
      connection: 'cn-hq',
      state: 'rolling-back' as const,
      current: { key: 'A', origin: 'rotation' as const, recordedAt: 't1' },
      previous: { key: 'B', origin: 'azure' as const, recordedAt: 't0' },
      pending: { key: 'B', origin: 'azure' as const, recordedAt: 't0' },
      updatedAt: 't2',
    };
    expect(recordFromEntry(entryFromRecord(record, HUB))).toEqual(record);
  });
});
