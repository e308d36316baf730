/**
 * Every key passes the key-character rules (Azure's and the device's) before it reaches a file,
 * whatever its source: a key with a newline (which would inject lines such as `username evil privilege
 * 15` into the Cisco, Junos and strongSwan files), a quote or a device metacharacter is refused by
 * `render` and `bundle` from an environment variable, a key file, the key journal or a facts file, with
 * the source named and the key never printed, before anything is written (a redacted key file too).
 * Key Vault, `deploy --out` and `rotate-key prepare`: test/app/keyTruth.e2e.test.ts.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { keyJournalDir, writeKeyJournal } from '../../src/io/keyJournal';
import { runCli } from '../support/cli';

const DEMO = path.resolve(__dirname, '..', '..', 'fixtures', 'demo');
const HUB_ID = 'ra-hybrid-vpn-er-rg/ra-hybrid-vpn-er-vnet';
const INJECTION = 'Abc123def456\nusername evil privilege 15 secret 0 evil';

/** Keys no device can carry, and keys the demo site's device (cisco-ios) cannot carry. */
const BAD_KEYS: Array<[string, string, RegExp]> = [
  ['a newline (config injection)', INJECTION, /a control or non-ASCII character, which Azure refuses/],
  ['a carriage return', 'Abc123\rdef456', /a control or non-ASCII character/],
  ['a double quote', 'Abc123"def456', /"\\"", which Cisco IOS-XE cannot carry safely/],
  ["Cisco's '?' (help in the CLI)", 'Abc123?def456', /"\?", which Cisco IOS-XE cannot carry safely/],
];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ts-keychars-'));
  const facts = JSON.parse(readFileSync(path.join(DEMO, 'facts.json'), 'utf8')) as { sites: Array<{ sharedKey?: string }> };
  delete facts.sites[0]?.sharedKey;
  writeFileSync(path.join(dir, 'facts.json'), JSON.stringify(facts));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function hubWith(sharedKey?: string): void {
  const hub = readFileSync(path.join(DEMO, 'hub.yaml'), 'utf8');
  writeFileSync(path.join(dir, 'tunnelsmith.yaml'), sharedKey ? `${hub.trimEnd()}\n    sharedKey: ${sharedKey}\n` : hub);
}

function factsWithKey(key: string): void {
  const facts = JSON.parse(readFileSync(path.join(DEMO, 'facts.json'), 'utf8')) as { sites: Array<{ sharedKey?: string }> };
  (facts.sites[0] as { sharedKey?: string }).sharedKey = key;
  writeFileSync(path.join(dir, 'facts.json'), JSON.stringify(facts));
}

async function expectRefused(argv: string[], key: string, message: RegExp, source: string, env: NodeJS.ProcessEnv = {}): Promise<void> {
  const r = await runCli([...argv, '--facts', 'facts.json'], { cwd: dir, env });
  expect(r.code).toBe(3);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).toContain('sites[0].sharedKey');
  expect(r.stderr).toContain(`the key from ${source}`);
  for (const line of key.split(/[\r\n]/)) if (line.length > 4) expect(r.stdout + r.stderr).not.toContain(line);
  // Nothing written: no site folder, no key file, no temporary leftovers.
  expect(existsSync(path.join(dir, 'out'))).toBe(false);
}

describe.each(['render', 'bundle'] as const)('%s --facts refuses a key the device cannot carry, from any source', (command) => {
  it.each(BAD_KEYS)('from an environment variable: %s', async (_what, key, message) => {
    hubWith('{ env: HQ_PSK }');
    await expectRefused([command], key, message, 'environment variable HQ_PSK', { HQ_PSK: key });
    await expectRefused([command, '--redact'], key, message, 'environment variable HQ_PSK', { HQ_PSK: key });
  });

  it.each(BAD_KEYS)('from a key file: %s', async (_what, key, message) => {
    hubWith('{ file: hq.psk }');
    writeFileSync(path.join(dir, 'hq.psk'), `${key}\n`, { mode: 0o600 });
    await expectRefused([command], key, message, 'key file hq.psk');
  });

  it.each(BAD_KEYS.filter(([what]) => !what.includes('newline') && !what.includes('carriage')))('from the facts file: %s', async (_what, key, message) => {
    hubWith();
    factsWithKey(key);
    await expectRefused([command, '--device', 'all'], key, message, 'the facts file');
  });

  it.each(BAD_KEYS)('from the key journal: %s', async (_what, key, message) => {
    hubWith();
    await writeKeyJournal(keyJournalDir(path.join(dir, 'tunnelsmith.yaml')), {
      version: 1,
      hub: HUB_ID,
      site: 'hq',
      connectionName: 'ra-hybrid-vpn-cn',
      current: { key, origin: 'azure', state: 'active', since: '2026-05-01T10:00:00.000Z' },
    });
    await expectRefused([command], key, message, 'the key journal');
  });
});

describe('a facts file cannot carry a newline in a key at all', () => {
  it('is refused as invalid facts before anything is written', async () => {
    hubWith();
    factsWithKey(INJECTION);
    const r = await runCli(['render', '--facts', 'facts.json'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('facts.sites[0].sharedKey: must be 1..128 printable ASCII characters');
    expect(readdirSync(dir).sort()).toEqual(['.tunnelsmith', 'facts.json', 'tunnelsmith.yaml']);
  });
});

describe('a good key from each source still renders', () => {
  it.each([
    ['environment variable', '{ env: HQ_PSK }'],
    ['key file', '{ file: hq.psk }'],
  ])('%s', async (_what, ref) => {
    hubWith(ref);
    writeFileSync(path.join(dir, 'hq.psk'), 'GoodKey123abc456\n', { mode: 0o600 });
    const r = await runCli(['render', '--facts', 'facts.json'], { cwd: dir, env: { HQ_PSK: 'GoodKey123abc456' } });
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(dir, 'out', 'hq', 'cisco-ios', 'azure-vpn.cfg'), 'utf8')).toContain('GoodKey123abc456');
  });
});

