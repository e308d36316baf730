/**
 * What a new user reads first: `--help` in the order of the work with examples and how to sign in,
 * every command's help with its own examples, "did you mean" for a mistyped command, shell
 * completion that runs nothing else, and a number option given something else.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allCommands } from '../../src/cli/commands';
import { exec } from '../../src/cli/exec';
import { ExitCode } from '../../src/errors';
import { captureIo, CLI_CHILD as CHILD } from '../support/cli';

const DEMO_HUB = path.resolve(__dirname, '..', '..', 'fixtures', 'demo', 'hub.yaml');
const WORKFLOW = ['validate', 'deploy', 'facts', 'render', 'bundle', 'verify', 'rotate-key', 'destroy', 'import', 'emulator', 'demo', 'completion'];
/** The commands that sign in to Azure. */
const AZURE_COMMANDS = ['deploy', 'facts', 'render', 'bundle', 'verify', 'rotate-key', 'destroy', 'import'];

let dir: string;
beforeAll(() => {
  // A folder where every command would really run (a hub file), so "ran nothing" means something.
  dir = mkdtempSync(path.join(os.tmpdir(), 'ts-help-'));
  copyFileSync(DEMO_HUB, path.join(dir, 'tunnelsmith.yaml'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const io = captureIo(dir, env);
  const code = await exec(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** Every command's `run` watched: nothing but the command asked for may start. */
function watchRuns(): { ran: () => string[]; restore: () => void } {
  const specs = allCommands();
  const spies = specs.map((s) => jest.spyOn(s, 'run').mockImplementation(async () => ExitCode.ok));
  return {
    ran: () => specs.filter((_, i) => (spies[i] as jest.SpyInstance).mock.calls.length > 0).map((s) => s.command.split(' ')[0] as string),
    restore: () => spies.forEach((s) => s.mockRestore()),
  };
}

describe('tunnelsmith --help', () => {
  test('lists the commands in the order of the work', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(ExitCode.ok);
    const section = r.out.split('\nCommands:\n')[1]?.split('\n\n')[0] ?? '';
    const listed = [...section.matchAll(/^ {2}tunnelsmith (\S+)/gm)].map((m) => m[1]);
    expect(listed).toEqual(WORKFLOW);
    expect(allCommands().map((c) => c.command.split(' ')[0])).toEqual(WORKFLOW);
  });

  test('has examples, a line on authentication, and the exit codes', async () => {
    const r = await run(['--help']);
    expect(r.out).toMatch(/\nExamples:\n {2}tunnelsmith validate +Check tunnelsmith\.yaml without touching Azure\n/);
    expect(r.out).toMatch(/ {2}tunnelsmith deploy --plan +Show what deploy would change in Azure\n/);
    const auth = r.out.slice(r.out.indexOf('Authentication:')).replace(/\s+/g, ' ');
    expect(auth).toMatch(/^Authentication: TUNNELSMITH_ARM_TOKEN \(a bearer token: CI, Azure Stack Hub, the emulator\), else DefaultAzureCredential: a service principal \(AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH\), workload identity, managed identity, or the Azure CLI login \(az login\)\. Subscription: azure\.subscriptionId in the hub file, else AZURE_SUBSCRIPTION_ID\./);
    expect(r.out.replace(/\s+/g, ' ')).toMatch(/Exit codes: 0 done, 1 internal error, 2 usage, 3 invalid input, 4 Azure refused or failed, 10 changes pending, 11 not ready \(or not deployed\), 12 waiting on the circuit provider, 13 another run holds the hub, 130 interrupted\./);
  });

  test.each(WORKFLOW)('%s --help has its own examples', async (name) => {
    const r = await run([name, '--help']);
    expect(r.code).toBe(ExitCode.ok);
    const examples = r.out.split('\nExamples:\n')[1]?.split('\n\n')[0] ?? '';
    // Two examples or more, each opening with the command it documents (a long one wraps below).
    expect(examples.match(new RegExp(`^ {2}(source <\\()?tunnelsmith ${name}\\b`, 'gm'))?.length ?? 0).toBeGreaterThanOrEqual(2);
    const signsIn = r.out.includes('Authentication: TUNNELSMITH_ARM_TOKEN');
    expect({ name, signsIn }).toEqual({ name, signsIn: AZURE_COMMANDS.includes(name) });
  });

  test('render --help and bundle --help say what differs between them', async () => {
    const render = (await run(['render', '--help'])).out;
    const bundle = (await run(['bundle', '--help'])).out;
    const flat = (s: string) => s.replace(/\s+/g, ' ');
    const same = 'render and bundle write the same folder, <out>/<site>/: the device files (<device>/...), README.md (the handoff sheet), index.html, manifest.json and SHA256SUMS, with the same flags. Only bundle has --diff: it compares the bundle it would write with the previous one and the files on disk (hand edits included), writes nothing, and exits 10 when anything differs.';
    expect(flat(render)).toContain(same);
    expect(flat(bundle)).toContain(same);
    expect(bundle).toMatch(/^ +--diff +Compare with the previous bundle and the files on disk/m);
    expect(render).not.toMatch(/^ +--diff /m);
    expect(flat(render)).toMatch(/tunnelsmith render +Write each site's device configs and handoff files into <out>\/<site>\/ \(from --facts, or read back from Azure\); bundle writes the same and adds --diff/);
  });
});

describe('a mistyped command', () => {
  test('is named, with the closest command (yargs recommendCommands), exit 2, nothing run', async () => {
    const w = watchRuns();
    try {
      const r = await run(['rendr', '--facts', 'facts.json']);
      expect(r.code).toBe(ExitCode.usage);
      expect(r.err).toBe(
        'error [UnknownCommand]: "rendr" is not a tunnelsmith command. Did you mean render?\n' +
          'next: the commands: validate, deploy, facts, render, bundle, verify, rotate-key, destroy, import, emulator, demo, completion (tunnelsmith --help)\n',
      );
      expect(r.out).toBe('');
      const far = await run(['xyzzy']);
      expect(far.code).toBe(ExitCode.usage);
      expect(far.err).toMatch(/^error \[UnknownCommand\]: "xyzzy" is not a tunnelsmith command\n/);
      const json = await run(['deplyo', '--json']);
      expect(json.code).toBe(ExitCode.usage);
      expect(JSON.parse(json.out)).toEqual({ event: 'error', code: 'UnknownCommand', exitCode: 2, message: '"deplyo" is not a tunnelsmith command. Did you mean deploy?', problems: [], hint: expect.stringMatching(/^the commands: validate, deploy/) });
      expect(w.ran()).toEqual([]);
    } finally {
      w.restore();
    }
  });
});

describe('an unknown option after a command', () => {
  test('is named as yargs names it, even when a flag\'s value comes first; --json false reports in text', async () => {
    const r = await run(['--file', 'x.yaml', 'validate', '--bogus']);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.err).toMatch(/^error: Unknown argument: bogus\n/);
    expect(r.err).not.toMatch(/is not a tunnelsmith command/);
    const text = await run(['validate', '--file', 'missing.yaml', '--json', 'false']);
    expect(text.code).toBe(ExitCode.invalidInput);
    expect(text.out).toBe('');
    expect(text.err).toMatch(/^error \[HubNotFound\]: no hub file at missing\.yaml\n/);
  });
});

describe('tunnelsmith completion', () => {
  test('prints a bash or a zsh script (default: from $SHELL) and writes nothing', async () => {
    const before = readdirSync(dir).sort();
    const bash = await run(['completion', 'bash']);
    expect(bash.code).toBe(ExitCode.ok);
    expect(bash.out).toMatch(/^# tunnelsmith completion for bash\./);
    expect(bash.out).toContain('tunnelsmith --get-yargs-completions "${COMP_WORDS[@]:0:COMP_CWORD+1}"');
    expect(bash.out).toMatch(/\ncomplete -o default -F _tunnelsmith_complete tunnelsmith\n$/);
    const zsh = await run(['completion', 'zsh']);
    expect(zsh.out).toMatch(/^# tunnelsmith completion for zsh\./);
    expect(zsh.out).toContain('tunnelsmith --get-yargs-completions "${words[@]:0:$CURRENT}"');
    expect(zsh.out).toMatch(/\ncompdef _tunnelsmith tunnelsmith\n$/);
    expect((await run(['completion'], { SHELL: '/usr/bin/zsh' })).out).toBe(zsh.out);
    expect((await run(['completion'], { SHELL: '/bin/bash' })).out).toBe(bash.out);
    const fish = await run(['completion', 'fish']);
    expect(fish.code).toBe(ExitCode.usage);
    expect(fish.err).toMatch(/Given: "fish", Choices: "bash", "zsh"/);
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  test('the candidates come from the command table, and nothing runs while they are asked for', async () => {
    const w = watchRuns();
    try {
      const commands = await run(['--get-yargs-completions', 'tunnelsmith', 'ro']);
      expect(commands.code).toBe(ExitCode.ok);
      expect(commands.out.trim().split('\n')).toEqual(WORKFLOW);
      const options = await run(['--get-yargs-completions', 'tunnelsmith', 'render', '--']);
      expect(options.out.trim().split('\n')).toEqual(expect.arrayContaining(['--site', '--facts', '--device', '--redact']));
      expect(options.out).not.toMatch(/--diff/);
      const deploy = await run(['--get-yargs-completions', 'tunnelsmith', 'deploy', '--pl']);
      expect(deploy.out.trim().split('\n')).toContain('--plan');
      expect(w.ran()).toEqual([]);
    } finally {
      w.restore();
    }
  });

  test('the bash script completes a command and an option in a real bash', () => {
    const script = execFileSync(process.execPath, [CHILD, 'completion', 'bash'], { encoding: 'utf8' });
    const complete = (words: string[]) =>
      execFileSync('bash', ['-c', `tunnelsmith() { "${process.execPath}" "${CHILD}" "$@"; }\n${script}\nCOMP_WORDS=(${words.join(' ')}); COMP_CWORD=${words.length - 1}; _tunnelsmith_complete; echo "\${COMPREPLY[*]}"`], { cwd: dir, encoding: 'utf8' }).trim();
    expect(complete(['tunnelsmith', 'rot'])).toBe('rotate-key');
    expect(complete(['tunnelsmith', 'render', '--si'])).toBe('--site');
    expect(complete(['tunnelsmith', 'deploy', '--pl'])).toBe('--plan');
  });
});

describe('a number option given something else', () => {
  test.each([
    [['emulator', '--port', 'abc'], '--port expects a number, not "abc"', 'emulator'],
    [['emulator', '--vault-port=80x'], '--vault-port expects a number, not "80x"', 'emulator'],
    [['rotate-key', 'status', '--concurrency', 'four'], '--concurrency expects a number, not "four"', 'rotate-key'],
    [['demo', '--gateway-seconds', 'soon'], '--gateway-seconds expects a number, not "soon"', 'demo'],
  ])('%j says what it expected, exit 2, nothing run', async (argv, message, command) => {
    const w = watchRuns();
    try {
      const r = await run(argv);
      expect(r.code).toBe(ExitCode.usage);
      expect(r.err).toBe(`error [NotANumber]: ${message}\nnext: give ${message.split(' ')[0]} digits only; its line in tunnelsmith ${command} --help says what it counts\nRun tunnelsmith ${command} --help for usage.\n`);
      expect(w.ran()).toEqual([]);
    } finally {
      w.restore();
    }
  });
});
