/**
 * The same mistake gives the same exit code in every command:
 * - a `--site` that is not one of the hub file's sites is a usage error (exit 2) wherever --site is
 *   taken, found before anything is locked, asked of Azure or written (like an unknown --device);
 * - a hub that is not deployed is "not ready" (exit 11) for verify, facts, render and bundle, not an
 *   Azure failure (exit 4).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { allCommands } from '../../src/cli/commands';
import { ExitCode } from '../../src/errors';
import { type CliRun, cliRunner, jsonLines, lastJson } from '../support/cli';
import { pathsUnder } from '../support/tree';
import { seedCircuit, startHarness, type Harness } from '../support/emulator';

const DEMO_HUB = path.resolve(__dirname, '..', '..', 'fixtures', 'demo', 'hub.yaml');
const RG = 'ra-hybrid-vpn-er-rg';

let h: Harness;
let run: CliRun;

beforeAll(async () => {
  h = await startHarness();
  seedCircuit(h, RG);
  await fs.copyFile(DEMO_HUB, path.join(h.dir, 'tunnelsmith.yaml'));
  run = await cliRunner(h);
});
afterAll(async () => {
  await h.close();
});

/** Every command that takes --site, each rotate-key action on its own. */
const SITE_COMMANDS: string[][] = [
  ['render'],
  ['bundle'],
  ['bundle', '--diff'],
  ...['prepare', 'apply', 'rollback', 'status', 'abort'].map((a) => ['rotate-key', a]),
];

test('the list above is every command that takes --site', () => {
  const takesSite = allCommands()
    .filter((spec) => {
      let has = false;
      const probe = { option: (name: string) => ((has ||= name === 'site'), probe), positional: () => probe, example: () => probe, epilogue: () => probe, hide: () => probe };
      spec.builder(probe as never);
      return has;
    })
    .map((spec) => spec.command.split(' ')[0]);
  expect(takesSite).toEqual([...new Set(SITE_COMMANDS.map((c) => c[0]))]);
});

describe('a --site that is not in the hub file: exit 2 everywhere, nothing asked, locked or written', () => {
  test.each(SITE_COMMANDS.map((c) => [c.join(' '), c] as const))('%s', async (_title, command) => {
    const before = pathsUnder(h.dir);
    h.emu.control.clearRequestLog();
    const r = await run([...command, '--site', 'nope']);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.err).toMatch(/^error \[UnknownSite\]: no site named "nope" in tunnelsmith\.yaml\nnext: use one of: hq\n/);
    expect(h.emu.control.requestLog()).toEqual([]);
    expect(pathsUnder(h.dir)).toEqual(before);
    const json = await run([...command, '--site', 'nope', '--json']);
    expect(json.code).toBe(ExitCode.usage);
    const last = lastJson(json.out);
    expect(last).toEqual({ event: 'error', code: 'UnknownSite', exitCode: 2, message: 'no site named "nope" in tunnelsmith.yaml', problems: [], hint: 'use one of: hq' });
  });

  test('render and bundle name every unknown one at once', async () => {
    for (const command of ['render', 'bundle']) {
      const r = await run([command, '--site', 'hq', '--site', 'nope', '--site', 'other']);
      expect(r.code).toBe(ExitCode.usage);
      expect(r.err).toMatch(/^error \[UnknownSite\]: no sites named "nope", "other" in tunnelsmith\.yaml\n/);
    }
  });
});

describe('a hub that is not deployed: exit 11 (not ready), naming what is missing and the next step', () => {
  test.each([['verify'], ['facts'], ['render'], ['bundle'], ['bundle', '--diff'], ['render', '--site', 'hq']].map((c) => [c.join(' '), c] as const))('%s', async (_title, command) => {
    const r = await run(command);
    expect(r.code).toBe(ExitCode.notReady);
    expect(r.err).toBe('error [NotDeployed]: the VPN gateway ra-hybrid-vpn-vgw does not exist in resource group ra-hybrid-vpn-er-rg\nnext: run tunnelsmith deploy first\n');
    expect((pathsUnder(h.dir)).filter((f) => f.startsWith('out'))).toEqual([]);
    const json = await run([...command, '--json']);
    expect(json.code).toBe(ExitCode.notReady);
    expect(jsonLines(json.out)).toEqual([
      { event: 'error', code: 'NotDeployed', exitCode: 11, message: 'the VPN gateway ra-hybrid-vpn-vgw does not exist in resource group ra-hybrid-vpn-er-rg', problems: [], hint: 'run tunnelsmith deploy first' },
    ]);
  });

  test('once deployed, the same commands answer 0 (verify: ready)', async () => {
    expect((await run(['deploy'])).code).toBe(ExitCode.ok);
    // The appliance announces its prefixes over BGP (its local network gateway lists none).
    h.emu.control.setSiteAdvertisedPrefixes('ra-hybrid-vpn-cn', ['192.168.0.0/16']);
    expect((await run(['verify'])).code).toBe(ExitCode.ok);
    expect((await run(['facts'])).code).toBe(ExitCode.ok);
    expect((await run(['render', '--site', 'hq'])).code).toBe(ExitCode.ok);
  });
});
