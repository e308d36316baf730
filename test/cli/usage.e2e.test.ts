/**
 * Every command, given a usage mistake or -h, in a folder where it would really run (a deployed hub
 * in tunnelsmith.yaml, a live emulator): exit 2 (0 for help), not one request, not one file.
 * The commands come from the command list, so a new command is covered without editing this file.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { allCommands } from '../../src/cli/commands';
import { ExitCode } from '../../src/errors';
import { cliRunner, type CliResult, type CliRun } from '../support/cli';
import { seedCircuit, startHarness, type Harness } from '../support/emulator';
import { treeUnder } from '../support/tree';

const DEMO_HUB = path.resolve(__dirname, '..', '..', 'fixtures', 'demo', 'hub.yaml');
const RG = 'ra-hybrid-vpn-er-rg';

/**
 * What each command needs, beyond the hub file in the working folder, to really run here. A command
 * with a positional action (`rotate-key <action>`) must name a valid one: its absence and an unknown
 * one are tested too.
 */
const RUNNABLE: Record<string, { action?: string; args: string[] }> = {
  'rotate-key': { action: 'prepare', args: ['--all'] },
  import: { args: ['--resource-group', RG, '--out', 'imported.yaml'] },
  destroy: { args: ['--yes'] },
  demo: { args: ['--out', 'demo-out'] },
};

const commands = allCommands().map((spec) => {
  const name = spec.command.split(' ')[0] as string;
  return { name, hasAction: /<[^>]+>/.test(spec.command), ...(RUNNABLE[name] ?? { args: [] }) };
});

let h: Harness;
let run: CliRun;
/** Each command's `run`, watched: the surest sign that nothing started, even what shows itself late. */
let runSpies: jest.SpyInstance[] = [];
/** The working folder as it was when the last command started. */
let before: Map<string, string>;

/** Every entry below the working folder with its size and modification time. */
function snapshot(root: string): Map<string, string> {
  return treeUnder(root, (_p, st) => `${st.isDirectory() ? 'dir' : st.size} ${st.mtimeMs}`);
}

/**
 * Runs, then lets a command wrongly started in the background show itself: its requests and files
 * come after exec has returned.
 */
async function runAndSettle(args: string[]): Promise<CliResult> {
  h.emu.control.clearRequestLog();
  for (const spy of runSpies) spy.mockClear();
  before = snapshot(h.dir);
  const r = await run(args);
  await new Promise((resolve) => setTimeout(resolve, 300));
  return r;
}

async function expectNothingDone(): Promise<void> {
  expect(runSpies.filter((spy) => spy.mock.calls.length > 0).map((spy) => spy.getMockName())).toEqual([]);
  expect(h.emu.control.requestLog()).toEqual([]);
  expect(snapshot(h.dir)).toEqual(before);
}

beforeAll(async () => {
  h = await startHarness();
  seedCircuit(h, RG);
  await fs.copyFile(DEMO_HUB, path.join(h.dir, 'tunnelsmith.yaml'));
  run = await cliRunner(h);
  // Deployed, so that destroy would delete, render would write, rotate-key would change keys.
  const deployed = await run(['deploy']);
  expect(deployed.code).toBe(ExitCode.ok);
  runSpies = allCommands().map((spec) => jest.spyOn(spec, 'run').mockName(spec.command));
}, 60_000);
afterAll(async () => {
  for (const spy of runSpies) spy.mockRestore();
  await h.close();
});

test('the setup is live: a correct command reaches the emulator', async () => {
  const r = await runAndSettle(['deploy', '--plan']);
  expect(r.code).toBe(ExitCode.ok);
  expect(h.emu.control.requestLog().length).toBeGreaterThan(0);
  expect(runSpies.filter((spy) => spy.mock.calls.length > 0).map((spy) => spy.getMockName())).toEqual(['deploy']);
});

test('every command with a positional action has a runnable invocation above', () => {
  expect(commands.length).toBeGreaterThanOrEqual(11);
  for (const c of commands) if (c.hasAction) expect({ command: c.name, action: c.action }).toEqual({ command: c.name, action: expect.any(String) });
});

describe.each(commands)('$name', ({ name, hasAction, action, args }) => {
  const runnable = [name, ...(action ? [action] : []), ...args];

  test('an unknown flag: exit 2, the flag named, nothing run or written', async () => {
    const r = await runAndSettle([...runnable, '--plna']);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.err).toMatch(/^error: Unknown argument: plna$/m);
    expect(r.out).toBe('');
    await expectNothingDone();
  });

  test('-h: exit 0, the command\'s help, nothing run or written', async () => {
    const r = await runAndSettle([...runnable, '-h']);
    expect(r.code).toBe(ExitCode.ok);
    expect(r.out).toMatch(new RegExp(`^tunnelsmith ${name}\\b`));
    expect(r.out).toMatch(/-h, --help +Show help/);
    expect(r.err).toBe('');
    await expectNothingDone();
  });

  if (hasAction) {
    test('no action: exit 2, no stack trace, nothing run or written', async () => {
      const r = await runAndSettle([name, ...args]);
      expect(r.code).toBe(ExitCode.usage);
      expect(r.err).toMatch(/^error: Missing required argument: action$/m);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.out).toBe('');
      await expectNothingDone();
    });

    test('an unknown action: exit 2, the choices named, nothing run or written', async () => {
      const r = await runAndSettle([name, 'no-such-action', ...args]);
      expect(r.code).toBe(ExitCode.usage);
      expect(r.err).toMatch(/Given: "no-such-action", Choices: /);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.out).toBe('');
      await expectNothingDone();
    });
  }
});

describe('top level', () => {
  test('-h and --help print the same command list, exit 0', async () => {
    const short = await runAndSettle(['-h']);
    const long = await runAndSettle(['--help']);
    expect(short.code).toBe(ExitCode.ok);
    expect(short.out).toBe(long.out);
    for (const c of commands) expect(short.out).toMatch(new RegExp(`^ +tunnelsmith ${c.name}\\b`, 'm'));
    await expectNothingDone();
  });

  test('no command, or an unknown one: exit 2, nothing run or written', async () => {
    const none = await runAndSettle([]);
    expect(none.code).toBe(ExitCode.usage);
    expect(none.err).toMatch(/Name a command/);
    const unknown = await runAndSettle(['deplyo']);
    expect(unknown.code).toBe(ExitCode.usage);
    expect(unknown.err).toMatch(/Did you mean deploy\?/);
    await expectNothingDone();
  });
});

describe('the issue\'s cases', () => {
  test('destroy --yes --dry-run deletes nothing', async () => {
    const r = await runAndSettle(['destroy', '--yes', '--dry-run']);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.err).toMatch(/Unknown argument: dry-run/);
    await expectNothingDone();
    expect(await h.api.getGateway(RG, 'ra-hybrid-vpn-vgw')).toBeDefined();
  });

  test('a single-valued flag given twice: exit 2 naming the flag, nothing run or written', async () => {
    for (const args of [
      ['validate', '--file', 'a.yaml', '--file', 'b.yaml'],
      ['validate', '-f', 'a.yaml', '--file', 'b.yaml'],
      ['deploy', '--out', 'a', '--out', 'b'],
      ['rotate-key', 'status', '--site', 'hq', '--site', 'hq'],
      ['rotate-key', 'prepare', '--all', '--concurrency', '2', '--concurrency', '3'],
    ]) {
      const r = await runAndSettle(args);
      const flag = args[args.length - 2] as string;
      expect({ args, code: r.code }).toEqual({ args, code: ExitCode.usage });
      expect(r.err).toContain(`error [RepeatedOption]: ${flag} was given 2 times; it takes one value`);
      await expectNothingDone();
    }
  });
});
