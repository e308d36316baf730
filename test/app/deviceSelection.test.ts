/**
 * `--device` is checked in one place (src/app/deviceSelection.ts): for every command that takes it, a
 * device tunnelsmith does not render is a usage error (exit 2) before anything is read, locked, written
 * or sent.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDeviceId, parseDeviceSelection } from '../../src/app/deviceSelection';
import { DEVICES } from '../../src/devices/registry';
import { ExitCode, UsageError } from '../../src/errors';
import { keyJournalDir, readKeyJournal, writeKeyJournal } from '../../src/io/keyJournal';
import { runCli } from '../support/cli';

const DEMO = path.resolve(__dirname, '..', '..', 'fixtures', 'demo');
const HUB_ID = 'ra-hybrid-vpn-er-rg/ra-hybrid-vpn-er-vnet';
const CONNECTION = 'ra-hybrid-vpn-cn';
const KEY = 'JournalKey4Hq8Zr2Nx6Vb0Mc3Lq7Wt1Yp5Ks9Dg2Fh6Aj0';
const ALL = Object.keys(DEVICES);
// Were the check late, Azure would be this closed loopback port: nothing leaves the machine.
const ENV = { TUNNELSMITH_ARM_ENDPOINT: 'https://127.0.0.1:9', AZURE_SUBSCRIPTION_ID: '00000000-0000-0000-0000-000000000000', TUNNELSMITH_POLL_INTERVAL_MS: '1' };

let dir: string;
const hubFile = () => path.join(dir, 'tunnelsmith.yaml');

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ts-device-selection-'));
  copyFileSync(path.join(DEMO, 'hub.yaml'), hubFile());
  copyFileSync(path.join(DEMO, 'facts.json'), path.join(dir, 'facts.json'));
  await writeKeyJournal(keyJournalDir(hubFile()), {
    version: 1,
    hub: HUB_ID,
    site: 'hq',
    connectionName: CONNECTION,
    current: { key: KEY, origin: 'generated', state: 'active', since: '2026-01-01T00:00:00.000Z' },
  });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** What a run could have left: anything besides the hub file, the facts file and the journal. */
function leftBehind(): string[] {
  const found: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else found.push(r);
    }
  };
  walk(dir, '');
  return found.filter((f) => !['tunnelsmith.yaml', 'facts.json', `.tunnelsmith/keys/ra-hybrid-vpn-er-rg+${CONNECTION}.json`].includes(f));
}

async function expectRefused(argv: string[], hint: string): Promise<void> {
  const r = await runCli(argv, { cwd: dir, env: ENV });
  expect(r.code).toBe(ExitCode.usage);
  expect(r.stderr).toContain('error [UnknownDevice]: --device nokia is not a device tunnelsmith renders');
  expect(r.stderr).toContain(`next: use ${hint}`);
  expect(r.stdout).toBe('');
  // Nothing was locked, written or journaled.
  expect(leftBehind()).toEqual([]);
  const entry = await readKeyJournal(keyJournalDir(hubFile()), HUB_ID, CONNECTION);
  expect(entry?.pending).toBeUndefined();
  expect(entry?.current.key).toBe(KEY);
}

const SELECTION_HINT = `own, all, ${ALL.slice(0, -1).join(', ')} or ${ALL.at(-1)}`;

describe('an unknown --device is exit 2 before anything runs', () => {
  test('render', async () => {
    await expectRefused(['render', '--facts', 'facts.json', '--device', 'nokia'], SELECTION_HINT);
  });

  test('bundle', async () => {
    await expectRefused(['bundle', '--facts', 'facts.json', '--device', 'nokia', '--archive'], SELECTION_HINT);
  });

  test('deploy, with --out and without', async () => {
    await expectRefused(['deploy', '--out', 'out', '--device', 'nokia'], SELECTION_HINT);
    await expectRefused(['deploy', '--device', 'nokia'], SELECTION_HINT);
  });

  test('rotate-key prepare writes no journal entry and no bundle; the other actions refuse it too', async () => {
    await expectRefused(['rotate-key', 'prepare', '--site', 'hq', '--facts', 'facts.json', '--device', 'nokia'], SELECTION_HINT);
    for (const action of ['apply', 'rollback', 'abort', 'status']) {
      await expectRefused(['rotate-key', action, '--site', 'hq', '--device', 'nokia'], SELECTION_HINT);
    }
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
  });

  test('import (a device id: own and all mean nothing there)', async () => {
    const argv = ['import', '--resource-group', 'ra-hybrid-vpn-er-rg', '--subscription', '00000000-0000-0000-0000-000000000000', '--out', 'imported.yaml', '--device'];
    await expectRefused([...argv, 'nokia'], `${ALL.slice(0, -1).join(', ')} or ${ALL.at(-1)}`);
    for (const word of ['own', 'all']) {
      const r = await runCli([...argv, word], { cwd: dir, env: ENV });
      expect(r.code).toBe(ExitCode.usage);
      expect(r.stderr).toContain(`--device ${word} is not a device tunnelsmith renders`);
      expect(leftBehind()).toEqual([]);
    }
  });
});

describe('parseDeviceSelection / parseDeviceId', () => {
  test('own, all and every registered device are selections; a device id is a device id', () => {
    for (const v of ['own', 'all', ...ALL]) expect(parseDeviceSelection(v)).toBe(v);
    for (const v of ALL) expect(parseDeviceId(v)).toBe(v);
  });

  test('anything else is a UsageError naming the value and every choice', () => {
    for (const v of ['', 'Cisco-IOS', 'fortinet', 'own ', 'constructor', '__proto__']) {
      expect(() => parseDeviceSelection(v)).toThrow(UsageError);
      expect(() => parseDeviceId(v)).toThrow(UsageError);
    }
    expect(() => parseDeviceSelection('fortinet')).toThrow('--device fortinet is not a device tunnelsmith renders');
    try {
      parseDeviceSelection('fortinet');
    } catch (e) {
      expect((e as UsageError).hint).toBe(`use ${SELECTION_HINT}`);
      expect((e as UsageError).exitCode).toBe(2);
    }
  });
});
