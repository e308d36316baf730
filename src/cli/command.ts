/** What every command module provides, and the I/O it is given (so tests can run commands in-process). */
import type { Argv } from 'yargs';
import type { Problem } from '../errors';
import type { CliIO } from './io';
import { formatPlaced, jsonProblem, writeJsonLine } from './output';

export type { CliIO } from './io';

/** Options every command has. */
export interface GlobalArgs {
  debug: boolean;
  json: boolean;
}

/**
 * A command. Keep this module light: import heavy modules (the Azure SDK, the emulator) inside `run`
 * with `await import(...)` so `tunnelsmith --help` and `validate` start fast.
 */
export interface CommandSpec<A = Record<string, unknown>> {
  /** yargs command string, e.g. `render` or `rotate-key <action>`. */
  command: string;
  describe: string;
  builder: (y: Argv<GlobalArgs>) => Argv<A & GlobalArgs>;
  /** Returns the exit code; throws AppError for failures. */
  run: (args: A & GlobalArgs, io: CliIO) => Promise<number>;
}

export function defineCommand<A>(spec: CommandSpec<A>): CommandSpec<A> {
  return spec;
}

export function writeLine(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${text}\n`);
}

/**
 * Where a problem that is no error goes (a key file others can read, a key source that disagrees):
 * stderr, or with --json a `warning` line on stdout.
 */
export function warnTo(io: CliIO, json = false): (p: Problem) => void {
  return (p) => (json ? writeJsonLine(io, 'warning', jsonProblem(p)) : writeLine(io.stderr, formatPlaced(p)));
}

/**
 * A note (not a problem: waiting for the hub's lock, a flag that has no effect): always stderr, where
 * a person watching reads it; with --json, stdout stays for the JSON documents.
 */
export function noteTo(io: CliIO): (message: string) => void {
  return (message) => writeLine(io.stderr, `note: ${message}`);
}
