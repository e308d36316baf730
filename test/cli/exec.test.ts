/** How exec turns what yargs reports into exit codes, with stand-in commands: a command runs only after a clean parse. */
import type { Argv } from 'yargs';
import { defineCommand, type CommandSpec } from '../../src/cli/command';
import { exec } from '../../src/cli/exec';
import { ExitCode, UsageError } from '../../src/errors';
import { captureIo } from '../support/cli';

function command(name: string, builder: (y: Argv<any>) => Argv<any>): CommandSpec<any> & { run: jest.Mock } {
  return defineCommand<any>({ command: name, describe: `the ${name} command`, builder, run: jest.fn(async () => ExitCode.ok) }) as CommandSpec<any> & { run: jest.Mock };
}

async function run(argv: string[], commands: CommandSpec<any>[]) {
  const io = captureIo('/nonexistent', {});
  const code = await exec(argv, io, commands);
  return { code, out: io.out(), err: io.err() };
}

test('a UsageError thrown by a builder: exit 2 with its code and hint, no stack trace, nothing run', async () => {
  const boom = command('boom', () => {
    throw new UsageError('BadCombination', '--a and --b exclude each other', 'give one of them');
  });
  const r = await run(['boom'], [boom]);
  expect(r.code).toBe(ExitCode.usage);
  expect(r.err).toBe('error [BadCombination]: --a and --b exclude each other\nnext: give one of them\nRun tunnelsmith boom --help for usage.\n');
  expect(boom.run).not.toHaveBeenCalled();
});

test('a UsageError thrown by a check: exit 2, nothing run', async () => {
  const checked = command('checked', (y) =>
    y.option('n', { type: 'number' }).check((argv) => {
      if ((argv.n as number) < 1) throw new UsageError('TooSmall', '--n must be 1 or more', 'for example --n 4');
      return true;
    }),
  );
  const r = await run(['checked', '--n', '0'], [checked]);
  expect(r.code).toBe(ExitCode.usage);
  expect(r.err).toMatch(/^error \[TooSmall\]: --n must be 1 or more\nnext: for example --n 4\n/);
  expect(checked.run).not.toHaveBeenCalled();
  expect((await run(['checked', '--n', '2'], [checked])).code).toBe(ExitCode.ok);
  expect(checked.run).toHaveBeenCalledTimes(1);
});

test('a check that answers with a message: exit 2 with that message', async () => {
  const checked = command('checked', (y) => y.option('n', { type: 'number' }).check((argv) => ((argv.n as number) > 0 ? true : 'n must be positive')));
  const r = await run(['checked', '--n', '-1'], [checked]);
  expect(r.code).toBe(ExitCode.usage);
  expect(r.err).toMatch(/^error: n must be positive$/m);
  expect(checked.run).not.toHaveBeenCalled();
});

test('a bug in a builder is an internal error (exit 1), not a usage error', async () => {
  const broken = command('broken', () => {
    throw new TypeError('cannot read x of undefined');
  });
  const r = await run(['broken'], [broken]);
  expect(r.code).toBe(ExitCode.internal);
  expect(r.err).toMatch(/^internal error: cannot read x of undefined$/m);
});

test('-h wins over a missing required option; the command does not run', async () => {
  const needs = command('needs', (y) => y.option('must', { type: 'string', demandOption: true, describe: 'required' }));
  const help = await run(['needs', '-h'], [needs]);
  expect(help.code).toBe(ExitCode.ok);
  expect(help.out).toMatch(/^tunnelsmith needs\n\nthe needs command\n/);
  expect(help.out).toMatch(/--must +required +\[string\] \[required\]/);
  const missing = await run(['needs'], [needs]);
  expect(missing.code).toBe(ExitCode.usage);
  expect(missing.err).toMatch(/^error: Missing required argument: must$/m);
  expect(needs.run).not.toHaveBeenCalled();
});

test('several usage failures are all reported, each once', async () => {
  const needs = command('needs', (y) => y.option('must', { type: 'string', demandOption: true }));
  const r = await run(['needs', '--plna'], [needs]);
  expect(r.code).toBe(ExitCode.usage);
  expect(r.err.split('\n').filter((l) => l.startsWith('error: ')).sort()).toEqual(['error: Missing required argument: must', 'error: Unknown argument: plna']);
  expect(needs.run).not.toHaveBeenCalled();
});

test('an option declared as an array may repeat; any other may not, whatever its type', async () => {
  const opts = command('opts', (y) => y.option('many', { type: 'string', array: true, nargs: 1 }).option('one', { type: 'string', alias: 'o' }).option('count', { type: 'number' }));
  expect((await run(['opts', '--many', 'a', '--many', 'b'], [opts])).code).toBe(ExitCode.ok);
  expect(opts.run.mock.calls[0][0].many).toEqual(['a', 'b']);
  for (const [argv, flag] of [
    [['opts', '--one', 'a', '-o', 'b'], '--one'],
    [['opts', '--count', '1', '--count', '2'], '--count'],
  ] as const) {
    const r = await run([...argv], [opts]);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.err).toMatch(new RegExp(`^error \\[RepeatedOption\\]: ${flag} was given 2 times; it takes one value$`, 'm'));
  }
  expect(opts.run).toHaveBeenCalledTimes(1);
});
