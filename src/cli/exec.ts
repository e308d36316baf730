/**
 * Parses argv, runs one command, and maps results and errors to exit codes. Only this layer prints errors.
 * yargs runs a command's handler even after a usage failure it reported through `.fail()`, so the
 * handler only names the choice; the command runs after parsing, and only when parsing found no
 * usage failure and printed no help, version or completion. The handler names it by throwing
 * {@link Chosen}: yargs has validated the line by then, and after a handler returns it formats the
 * command's whole help text in case of a later failure (10-13 ms of a one-site `render`, for text
 * nobody sees; tunnelsmith reports its own failures).
 */
import yargs from 'yargs';
import { ExitCode, InputError, isAppError, UsageError } from '../errors';
import { allCommands } from './commands';
import { AUTHENTICATION } from './azureOptions';
import { writeLine, type CliIO, type CommandSpec, type GlobalArgs } from './command';
import { formatPlaced, jsonError, writeJsonLine } from './output';

const ABOUT =
  'Provision the Azure side of an ExpressRoute + VPN failover hub and render matching on-prem configs. ' +
  "The work, in the order of the commands below: validate the hub file, deploy it, read back its facts, render (or bundle) each site's configs " +
  'for its team, verify; later rotate-key, and destroy to remove what tunnelsmith created.';

/** Each exit code in words, in ExitCode's order: a code added there without its words does not compile. */
const EXIT_CODE_WORDS: Record<keyof typeof ExitCode, string> = {
  ok: 'done',
  internal: 'internal error',
  usage: 'usage',
  invalidInput: 'invalid input',
  azure: 'Azure refused or failed',
  changesPending: 'changes pending',
  notReady: 'not ready (or not deployed)',
  waiting: 'waiting on the circuit provider',
  lockBusy: 'another run holds the hub',
  interrupted: 'interrupted',
};

const EXIT_CODES = `Exit codes: ${(Object.keys(ExitCode) as (keyof typeof ExitCode)[]).map((k) => `${ExitCode[k]} ${EXIT_CODE_WORDS[k]}`).join(', ')}.`;

/** `commands` is every command unless a test passes its own. */
export async function exec(argv: string[], io: CliIO, commands: CommandSpec<any>[] = allCommands()): Promise<number> {
  const debug = argv.includes('--debug');
  const json = argv.includes('--json') || argv.includes('--json=true');
  const names = commands.map((s) => s.command.split(' ')[0] as string);
  const commandName = argv.find((a) => names.includes(a));
  let chosen: Chosen | undefined;
  const usageFailures: string[] = [];
  let y = yargs(argv)
    .scriptName('tunnelsmith')
    .usage(`$0 <command> [options]\n\n${ABOUT}`)
    .option('debug', { type: 'boolean', default: false, describe: 'Show stack traces for unexpected errors' })
    .option('json', { type: 'boolean', default: false, describe: 'One JSON document per line on stdout (progress, result; an error as the last line)' })
    // Without camel-case copies of dashed options, an unknown `--dry-run` is named once, as typed.
    .parserConfiguration({ 'camel-case-expansion': false })
    .help()
    .alias('help', 'h')
    .check((parsed, options) => refuseBadOptions(parsed, options, argv, commandName))
    .strict()
    .demandCommand(1, 'Name a command; see tunnelsmith --help')
    .recommendCommands()
    .example('$0 validate', 'Check tunnelsmith.yaml without touching Azure')
    .example('$0 deploy --plan', 'Show what deploy would change in Azure')
    .example('$0 deploy --out out', "Deploy, then write each site's handoff bundle into out/")
    .example('$0 demo', 'The whole job offline, against the built-in ARM emulator')
    .epilogue(`${AUTHENTICATION}\n\n${EXIT_CODES}\nCommand help: tunnelsmith <command> --help. Shell completion: tunnelsmith completion.`)
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
      throw new Chosen(spec, args as unknown as GlobalArgs);
    });
  }
  let output = '';
  let thrown: unknown;
  try {
    await y.parseAsync(argv, {}, (_err, _args, text) => {
      output = text ?? '';
    });
  } catch (e) {
    if (e instanceof Chosen) chosen = e;
    else if (isYargsError(e)) usageFailures.push(e.message);
    else thrown = e;
  }
  if (usageFailures.length > 0) return reportError(usageError(usageFailures, argv, names, commandName), io, { debug, json, command: commandName });
  if (thrown !== undefined) return reportError(thrown, io, { debug, json, command: commandName });
  if (output) {
    // Help, version or shell completions were asked for: that is all.
    writeLine(io.stdout, output);
    return ExitCode.ok;
  }
  if (!chosen) return reportError(new UsageError('NoCommand', 'name a command', 'see tunnelsmith --help'), io, { debug, json });
  try {
    return await chosen.spec.run(chosen.args, io);
  } catch (e) {
    // Parsed: `--json false` is text, as the command printed it.
    return reportError(e, io, { debug, json: chosen.args.json === true, command: chosen.spec.command.split(' ')[0] });
  }
}

/** What the handler of the command on the line throws, to leave yargs with it (see the top of this file). */
class Chosen {
  constructor(
    readonly spec: CommandSpec<any>,
    readonly args: GlobalArgs,
  ) {}
}

function isYargsError(e: unknown): e is Error {
  return e instanceof Error && e.name === 'YError';
}

/**
 * What yargs reported, as one usage error. Without a command on the line, its first word is said to be
 * no command, with yargs' closest command (`recommendCommands`) when it found one, instead of yargs'
 * "Unknown argument". With a command, yargs' own words (an option's value is not a command).
 */
function usageError(failures: string[], argv: string[], names: string[], command: string | undefined): UsageError {
  const first = argv.find((a) => !a.startsWith('-'));
  if (command === undefined && first !== undefined) {
    const suggestion = failures.map((f) => /^Did you mean (\S+)\?$/.exec(f)?.[1]).find((s) => s !== undefined);
    return new UsageError(
      'UnknownCommand',
      `${JSON.stringify(first)} is not a tunnelsmith command${suggestion ? `. Did you mean ${suggestion}?` : ''}`,
      `the commands: ${names.join(', ')} (tunnelsmith --help)`,
    );
  }
  return new YargsUsage(failures, `run tunnelsmith ${command ? `${command} ` : ''}--help for usage`);
}

/** yargs' own messages (an unknown flag, a missing value...), each printed on its line. */
class YargsUsage extends UsageError {
  constructor(
    readonly messages: string[],
    hint: string,
  ) {
    super('Usage', messages.join('; '), hint);
  }
}

/**
 * yargs collects a repeated option into an array; only options declared as arrays take several
 * values. Without this, `--file a --file b` reaches a command as an array it does not expect.
 * A number option given something else (`--port abc`) reaches yargs as NaN: said here, with what was typed.
 */
function refuseBadOptions(parsed: Record<string, unknown>, options: unknown, argv: string[], command: string | undefined): true {
  // yargs 17 passes the running command's option table here (its typings call it aliases).
  const declared = options as { key: Record<string, unknown>; array: string[]; number: string[] };
  for (const key of Object.keys(declared.key)) {
    const value = parsed[key];
    if (Array.isArray(value) && !declared.array.includes(key)) {
      throw new UsageError('RepeatedOption', `--${key} was given ${value.length} times; it takes one value`, `give --${key} once`);
    }
    if (declared.number.includes(key) && typeof value === 'number' && Number.isNaN(value)) {
      const typed = typedValue(argv, key);
      throw new UsageError('NotANumber', `--${key} expects a number${typed !== undefined ? `, not ${JSON.stringify(typed.slice(0, 40))}` : ''}`, `give --${key} digits only; its line in tunnelsmith ${command ? `${command} ` : ''}--help says what it counts`);
    }
  }
  return true;
}

/** The text given to `--key` on the command line (`--key value` or `--key=value`). */
function typedValue(argv: string[], key: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a.startsWith(`--${key}=`)) return a.slice(key.length + 3);
    if (a === `--${key}`) return argv[i + 1];
  }
  return undefined;
}

export interface ReportOptions {
  debug: boolean;
  json?: boolean;
  /** The command that ran (its help is named after a usage error). */
  command?: string;
}

/** Prints an error (to stderr; with --json as the last line of stdout) and returns its exit code. */
export function reportError(e: unknown, io: CliIO, o: ReportOptions): number {
  if (o.json) {
    const { event, ...error } = jsonError(e);
    writeJsonLine(io, event, error);
    if (o.debug && e instanceof Error && e.stack) writeLine(io.stderr, e.stack);
    return isAppError(e) ? e.exitCode : ExitCode.internal;
  }
  if (isAppError(e)) {
    if (e instanceof YargsUsage) {
      for (const m of e.messages) writeLine(io.stderr, `error: ${m}`);
      writeLine(io.stderr, `Run tunnelsmith ${o.command ? `${o.command} ` : ''}--help for usage.`);
      return e.exitCode;
    }
    if (e instanceof InputError && e.problems.length > 0) {
      for (const p of e.problems) writeLine(io.stderr, formatPlaced(p));
    }
    writeLine(io.stderr, `error [${e.code}]: ${e.message}`);
    if (e.hint) writeLine(io.stderr, `next: ${e.hint}`);
    if (e.exitCode === ExitCode.usage && e.code !== 'UnknownCommand') writeLine(io.stderr, `Run tunnelsmith ${o.command ? `${o.command} ` : ''}--help for usage.`);
    if (o.debug && e.stack) writeLine(io.stderr, e.stack);
    return e.exitCode;
  }
  const message = e instanceof Error ? e.message : String(e);
  writeLine(io.stderr, `internal error: ${message}`);
  if (o.debug && e instanceof Error && e.stack) writeLine(io.stderr, e.stack);
  else writeLine(io.stderr, 'This is a bug in tunnelsmith; run again with --debug for details and report it.');
  return ExitCode.internal;
}
