/** Parses argv, runs one command, and maps results and errors to exit codes. Only this layer prints errors. */
import yargs from 'yargs';
import { ExitCode, formatProblem, InputError, isAppError } from '../errors';
import { allCommands } from './commands';
import { writeLine, type CliIO, type GlobalArgs } from './command';

export async function exec(argv: string[], io: CliIO): Promise<number> {
  let result: Promise<number> | undefined;
  let debug = argv.includes('--debug');
  let usageFailure: string | undefined;
  let y = yargs(argv)
    .scriptName('tunnelsmith')
    .usage('$0 <command> [options]\n\nProvision the Azure side of an ExpressRoute + VPN failover hub and render matching on-prem configs.')
    .option('debug', { type: 'boolean', default: false, describe: 'Show stack traces for unexpected errors' })
    .option('json', { type: 'boolean', default: false, describe: 'Machine-readable output where the command reports state' })
    .strict()
    .demandCommand(1, 'Name a command; see tunnelsmith --help')
    .recommendCommands()
    .wrap(Math.min(110, io.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      usageFailure = msg;
    });
  for (const spec of allCommands()) {
    y = y.command(spec.command, spec.describe, spec.builder as never, (args) => {
      result = spec.run(args as unknown as GlobalArgs, io);
    });
  }
  let helpText = '';
  try {
    await y.parseAsync(argv, {}, (_err, _args, output) => {
      helpText = output ?? '';
    });
  } catch (e) {
    usageFailure ??= e instanceof Error ? e.message : String(e);
  }
  if (usageFailure !== undefined) {
    writeLine(io.stderr, `error: ${usageFailure}`);
    writeLine(io.stderr, 'Run tunnelsmith --help for usage.');
    return ExitCode.usage;
  }
  if (!result) {
    if (helpText) writeLine(io.stdout, helpText);
    return ExitCode.ok;
  }
  try {
    return await result;
  } catch (e) {
    return reportError(e, io, debug);
  }
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
