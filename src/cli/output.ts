/**
 * The shapes of what commands print. With `--json`, stdout carries one JSON document per line
 * (NDJSON): progress events, notes and warnings, the result, and an error as the last line, so a
 * script never parses prose. Without it, problems are printed with their place in the file once,
 * editor-style (`file:line:col: `).
 */
import { ExitCode, formatProblem, isAppError, InputError } from '../errors';
import type { LocatedProblem } from '../io/readHub';
import type { CliIO } from './io';

/** One NDJSON line: `event` names what it is (progress, warning, note, a command's result, error). */
export function writeJsonLine(io: CliIO, event: string, body: Record<string, unknown> = {}): void {
  io.stdout.write(`${JSON.stringify({ event, ...body })}\n`);
}

/** The error document of `--json` (design.md, "Conventions"). */
export interface JsonError {
  event: 'error';
  code: string;
  exitCode: number;
  message: string;
  problems: Record<string, unknown>[];
  hint?: string;
}

export function jsonProblem(p: LocatedProblem): Record<string, unknown> {
  return {
    severity: p.severity,
    path: p.path,
    message: p.message,
    ...(p.fix !== undefined ? { fix: p.fix } : {}),
    ...(p.file !== undefined ? { file: p.file } : {}),
    ...(p.line !== undefined ? { line: p.line, column: p.column ?? 1 } : {}),
  };
}

/** Any error as the `--json` error document; a bug is `Internal` (exit 1). */
export function jsonError(e: unknown): JsonError {
  if (isAppError(e)) {
    const problems = e instanceof InputError ? e.problems : [];
    return { event: 'error', code: e.code, exitCode: e.exitCode, message: e.message, problems: problems.map(jsonProblem), ...(e.hint ? { hint: e.hint } : {}) };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { event: 'error', code: 'Internal', exitCode: ExitCode.internal, message, problems: [], hint: 'this is a bug in tunnelsmith; run again with --debug for details and report it' };
}

/**
 * A problem for a human: `file:line:col: error: path: message (fix: ...)` when its place is known.
 * The place is said once: a whole-file problem (its path is the file) drops the path, and a message
 * that opens with the same place (the reader's own words, for readers without the fields) drops it.
 */
export function formatPlaced(p: LocatedProblem, file = p.file): string {
  if (p.line === undefined || file === undefined) return formatProblem(p);
  const column = p.column ?? 1;
  const message = p.message.replace(new RegExp(`^line ${p.line}, column ${column}: `), '');
  const tag = p.severity === 'warning' ? 'warning' : 'error';
  const where = p.path === file ? '' : `${p.path}: `;
  return `${file}:${p.line}:${column}: ${tag}: ${where}${message}${p.fix ? ` (fix: ${p.fix})` : ''}`;
}
