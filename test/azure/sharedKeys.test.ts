import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createJournalKeyStore } from '../../src/azure/sharedKeys';
import { generateSharedKey, GENERATED_KEY_LENGTH } from '../../src/hub/sharedKey';
import { keyJournalDir, keyJournalFile, listKeyJournal, readKeyJournal, writeKeyJournal } from '../../src/io/keyJournal';
import { site } from '../support/hubs';

let root: string;
let dir: string;
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-keys-'));
  dir = keyJournalDir(path.join(root, 'hub.yaml'));
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const HUB = 'rg/vnet';

describe('generateSharedKey', () => {
  test('48 letters and digits, different every time', () => {
    const a = generateSharedKey();
    const b = generateSharedKey();
    expect(a).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(a.length).toBe(GENERATED_KEY_LENGTH);
    expect(a).not.toBe(b);
  });

  test('rejection sampling drops bytes that would bias the alphabet', () => {
    // 248..255 are rejected; 0 -> 'A', 61 -> '9', 62 -> 'A' again.
    const bytes = Buffer.from([255, 248, 0, 61, 62]);
    expect(generateSharedKey(3, () => bytes)).toBe('A9A');
  });
});

describe('key journal', () => {
  test('folder 0700, file 0600, beside the hub file, readable back', async () => {
    const entry = { version: 1 as const, hub: HUB, site: 'hq', connectionName: 'cn-hq', current: { key: 'k1', origin: 'generated' as const, state: 'pending' as const, since: '2025-01-01T00:00:00.000Z' } };
    const file = await writeKeyJournal(dir, entry);
    expect(file).toBe(path.join(root, '.tunnelsmith', 'keys', 'rg+cn-hq.json'));
    expect((await fs.stat(dir)).mode & 0o777).toBe(0o700);
    expect((await fs.stat(path.dirname(dir))).mode & 0o777).toBe(0o700);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(await readKeyJournal(dir, HUB, 'cn-hq')).toEqual(entry);
    expect(await listKeyJournal(dir, HUB)).toEqual([entry]);
    expect((await fs.readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  test('missing entry is undefined; a damaged one is an InputError that never prints the content', async () => {
    expect(await readKeyJournal(dir, HUB, 'cn-x')).toBeUndefined();
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(keyJournalFile(dir, HUB, 'cn-x'), '{"version":1,"current":{"key":"SECRETVALUE"}}');
    const e = await readKeyJournal(dir, HUB, 'cn-x').catch((x: Error) => x);
    expect(e).toMatchObject({ code: 'KeyJournalDamaged' });
    expect((e as Error).message).not.toContain('SECRETVALUE');
  });
});

describe('journal key store', () => {
  const resolveSecret = jest.fn(async () => 'FromReference1');
  const store = () => createJournalKeyStore({ journalDir: dir, hubId: HUB, resolveSecret, generate: () => 'GeneratedKey1', now: () => new Date('2025-02-03T04:05:06Z') });

  test('generated key is journaled pending BEFORE it is handed out, then confirmed active', async () => {
    const s = store();
    const key = await s.keyForNewConnection(site({ connectionName: 'cn-hq' }), 'sites[0]');
    expect(key).toBe('GeneratedKey1');
    expect((await readKeyJournal(dir, HUB, 'cn-hq'))!.current).toEqual({ key: 'GeneratedKey1', origin: 'generated', state: 'pending', since: '2025-02-03T04:05:06.000Z' });
    await s.confirmConnection(site({ connectionName: 'cn-hq' }));
    expect((await readKeyJournal(dir, HUB, 'cn-hq'))!.current.state).toBe('active');
  });

  test('an interrupted run reuses the journaled key instead of generating another', async () => {
    await createJournalKeyStore({ journalDir: dir, hubId: HUB, resolveSecret, generate: () => 'FirstKey' }).keyForNewConnection(site(), 'sites[0]');
    const again = await createJournalKeyStore({ journalDir: dir, hubId: HUB, resolveSecret, generate: () => 'SecondKey' }).keyForNewConnection(site(), 'sites[0]');
    expect(again).toBe('FirstKey');
  });

  test('a site reference wins and is journaled with origin reference', async () => {
    const s = store();
    const key = await s.keyForNewConnection(site({ sharedKey: { env: 'HQ_PSK' } }), 'sites[0]');
    expect(key).toBe('FromReference1');
    expect(resolveSecret).toHaveBeenCalledWith({ env: 'HQ_PSK' }, 'sites[0].sharedKey');
    expect((await readKeyJournal(dir, HUB, site().connectionName))!.current.origin).toBe('reference');
    expect(await s.referencedKey(site({ sharedKey: { env: 'HQ_PSK' } }), 'sites[0]')).toBe('FromReference1');
    expect(await s.referencedKey(site(), 'sites[0]')).toBeUndefined();
  });
});
