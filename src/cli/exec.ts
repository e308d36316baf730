/**
 * Parses argv, runs one command, and maps results and errors to exit codes. Only this layer prints errors.
 * yargs runs a command's handler even after a usage failure it reported through `.fail()`, so the
 * handler only records the choice; the command runs after parsing, and only when parsing found no
 * usage failure and printed no help or version.
 */
import yargs from 'yargs';
import { ExitCode, formatProblem, InputError, isAppError, UsageError } from '../errors';
import { allCommands } from './commands';
import { writeLine, type CliIO, type CommandSpec, type GlobalArgs } from './command';

/** `commands` is every command unless a test passes its own. */
export async function exec(argv: string[], io: CliIO, commands: CommandSpec<any>[] = allCommands()): Promise<number> {
  const debug = argv.includes('--debug');
  let chosen: { spec: CommandSpec<any>; args: GlobalArgs } | undefined;
  const usageFailures: string[] = [];
  let y = yargs(argv)
    .scriptName('tunnelsmith')
    .usage('$0 <command> [options]\n\nProvision the Azure side of an ExpressRoute + VPN failover hub and render matching on-prem configs.')
    .option('debug', { type: 'boolean', default: false, describe: 'Show stack traces for unexpected errors' })
    .option('json', { type: 'boolean', default: false, describe: 'Machine-readable output where the command reports state' })
    // Without camel-case copies of dashed options, an unknown `--dry-run` is named once, as typed.
    .parserConfiguration({ 'camel-case-expansion': false })
    .help()
    .alias('help', 'h')
    .check(refuseRepeatedOptions)
    .strict()
    .demandCommand(1, 'Name a command; see tunnelsmith --help')
    .recommendCommands()
    .wrap(Math.min(110, io.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => {
      // Errors thrown by a builder or a check (a UsageError, or a bug) keep their own type and exit code.
      // (A check that answers with a string passes that string as `err`.)
      if (err instanceof Error && !isYargsError(err)) throw err;
      const message = msg ?? (err instanceof Error ? err.message : undefined);
      if (message && !usageFailures.includes(message)) usageFailures.push(message);
    });
  for (const spec of commands) {
    y = y.command(spec.command, spec.describe, spec.builder as never, (args) => {
      chosen = { spec, args: args as unknown as GlobalArgs };
    });
  }
  let output = '';
  let thrown: unknown;
  try {
    await y.parseAsync(argv, {}, (_err, _args, text) => {
      output = text ?? '';
    });
  } catch (e) {
    if (isYargsError(e)) usageFailures.push(e.message);
    else thrown = e;
  }
  if (usageFailures.length > 0 || thrown !== undefined) {
    for (const m of usageFailures) writeLine(io.stderr, `error: ${m}`);
    const code = thrown === undefined ? ExitCode.usage : reportError(thrown, io, debug);
    const names = commands.map((s) => s.command.split(' ')[0]);
    const name = argv.find((a) => names.includes(a));
    if (usageFailures.length > 0 || code === ExitCode.usage) writeLine(io.stderr, `Run tunnelsmith ${name ? `${name} ` : ''}--help for usage.`);
    return usageFailures.length > 0 ? ExitCode.usage : code;
  }
  if (output) {
    // Help or version was asked for: that is all.
    writeLine(io.stdout, output);
    return ExitCode.ok;
  }
  if (!chosen) {
    writeLine(io.stderr, 'error: Name a command; see tunnelsmith --help');
    return ExitCode.usage;
  }
  try {
    return await chosen.spec.run(chosen.args, io);
  } catch (e) {
    return reportError(e, io, debug);
  }
}

function isYargsError(e: unknown): e is Error {
  return e instanceof Error && e.name === 'YError';
}

/**
 * yargs collects a repeated option into an array; only options declared as arrays take several
 * values. Without this, `--file a --file b` reaches a command as an array it does not expect.
 */
function refuseRepeatedOptions(argv: Record<string, unknown>, options: unknown): true {
  // yargs 17 passes the running command's option table here (its typings call it aliases).
  const declared = options as { key: Record<string, unknown>; array: string[] };
  for (const key of Object.keys(declared.key)) {
    const value = argv[key];
    if (Array.isArray(value) && !declared.array.includes(key)) {
      throw new UsageError('RepeatedOption', `--${key} was given ${value.length} times; it takes one value`, `give --${key} once`);
    }
  }
  return true;
}

export function reportError(e: unknown, io: CliIO, debug: boolean): number {
  if (isAppError(e)) {
    if (e instanceof InputError && e.problems.length > 0) {
      for (const p of e.problems) writeLine(io.stderr, formatProblem(p));
    }
    writeLine(io.stderr, `error [${e.code}]: ${e.message}`);
    if (e.hint) writeLine(io.stderr, `next: ${e.hint}`);
    if (debug && e.stack) writeLine(io.stderr, e.stack);
    return e.exitCode;
  }
  const message = e instanceof Error ? e.message : String(e);
  writeLine(io.stderr, `internal error: ${message}`);
  if (debug && e instanceof Error && e.stack) writeLine(io.stderr, e.stack);
  else writeLine(io.stderr, 'This is a bug in tunnelsmith; run again with --debug for details and report it.');
  return ExitCode.internal;
}
