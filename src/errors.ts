/** Stable exit codes. Only the command layer turns errors and results into these. */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  invalidInput: 3,
  azure: 4,
  changesPending: 10,
  notReady: 11,
  waiting: 12,
  /** Another run holds the hub's lock (`.tunnelsmith/locks/`); `--wait-lock` waits for it instead. */
  lockBusy: 13,
  /** Ctrl-C: operations already started go on in Azure; running again resumes. */
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** One finding about an input: where it is, what is wrong, and how to fix it. */
export interface Problem {
  /** Path into the input, e.g. `sites[1].bgp.asn`; `file` problems use the file name. */
  path: string;
  message: string;
  fix?: string;
  severity: 'error' | 'warning';
}

/** One problem per (path, message), in first-seen order: several proposals or devices may repeat one. */
export function uniqueProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const id = `${p.path}\u0000${p.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

export function formatProblem(p: Problem): string {
  const tag = p.severity === 'warning' ? 'warning' : 'error';
  return `${tag}: ${p.path}: ${p.message}${p.fix ? ` (fix: ${p.fix})` : ''}`;
}

/** Base of every error the tool expects. Messages never contain secrets. */
export abstract class AppError extends Error {
  abstract readonly exitCode: ExitCodeValue;
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Wrong command line: unknown flag, missing argument, conflicting options. */
export class UsageError extends AppError {
  readonly exitCode = ExitCode.usage;
}

/** The hub file, a facts file or another input is invalid. Carries every problem found. */
export class InputError extends AppError {
  readonly exitCode = ExitCode.invalidInput;
  constructor(
    code: string,
    message: string,
    readonly problems: Problem[] = [],
    hint?: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, hint, options);
  }
}

/** Azure (or the emulator) refused or failed an operation. `field` names the hub-file path when known. */
export class AzureError extends AppError {
  readonly exitCode = ExitCode.azure;
  constructor(
    code: string,
    message: string,
    readonly details: {
      statusCode?: number;
      azureCode?: string;
      resource?: string;
      field?: string;
      /** The wait a throttled (429) or unavailable (503) answer asked for, in ms. */
      retryAfterMs?: number;
    } = {},
    hint?: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, hint, options);
  }
}

/**
 * The hub is not in the state the command needs, which is an answer, not a failure: not deployed yet
 * (facts, render, bundle, verify before deploy), or a gateway still being created.
 */
export class NotReadyError extends AppError {
  readonly exitCode = ExitCode.notReady;
}

/** Another process holds the hub's lock; the message names it (pid, host, command, since when). */
export class LockBusyError extends AppError {
  readonly exitCode = ExitCode.lockBusy;
}

/** Ctrl-C: what was started goes on in Azure; running the command again resumes. */
export class InterruptedError extends AppError {
  readonly exitCode = ExitCode.interrupted;
}

/** A bug or an impossible state. */
export class InternalError extends AppError {
  readonly exitCode = ExitCode.internal;
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
