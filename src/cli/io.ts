/** The I/O a command is given (so tests can run commands in-process). */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** For typed confirmations; absent when there is no standard input. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}
