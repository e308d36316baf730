/**
 * Reads the hub file (YAML, or JSON by extension or content), validates it and returns the normalized
 * Hub with its warnings. Syntax errors and every validation problem carry the line and column they refer
 * to. Problems never quote the file's text (a pasted secret must not reach a terminal or a log).
 */
import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import path from 'node:path';
import { DEVICES } from '../devices/registry';
import { InputError, type Problem } from '../errors';
import { parsePath, ROOT_PATH } from '../hub/paths';
import type { DeviceTable } from '../hub/rules';
import type { Hub } from '../hub/types';
import { validateHub } from '../hub/validate';
import { offsetPositions, readYaml, yamlPositions, type TextPosition, type YamlRead } from './hubYaml';
import { readBounded } from './noFollow';

export const DEFAULT_HUB_FILE = 'tunnelsmith.yaml';
const MAX_HUB_FILE_BYTES = 1024 * 1024;

/** A problem with the place in the file it refers to (1-based) and that file as the user named it, when known. */
export interface LocatedProblem extends Problem {
  file?: string;
  line?: number;
  column?: number;
}

export interface ReadHubOptions {
  /** The hub file; default `tunnelsmith.yaml` in `cwd`. Relative paths are resolved against `cwd`. */
  file?: string;
  cwd: string;
  /** Device table for validation; default the registry. */
  devices?: DeviceTable;
}

export interface LoadedHub {
  hub: Hub;
  warnings: LocatedProblem[];
  /** Absolute path of the file read. */
  file: string;
  /** The folder holding the file: `{ file }` secret references and the key journal are relative to it. */
  baseDir: string;
  /** The file's text, for digests. */
  source: string;
}

export type HubFormat = 'yaml' | 'json';

/** Reads and validates the hub file. Throws InputError (`HubNotFound`, `HubUnreadable`, `HubSyntax`, `HubInvalid`). */
export async function readHub(opts: ReadHubOptions): Promise<LoadedHub> {
  const file = path.resolve(opts.cwd, opts.file ?? DEFAULT_HUB_FILE);
  const shown = opts.file ?? DEFAULT_HUB_FILE;
  const source = await readHubText(file, shown);
  const { hub, problems } = parseAndValidateHub(source, shown, detectFormat(file, source), opts.devices);
  const errors = problems.filter((p) => p.severity === 'error');
  if (!hub || errors.length > 0) {
    throw new InputError('HubInvalid', `${shown} is not a valid hub file: ${errors.length} error(s)`, problems, `fix the problems listed above, then run tunnelsmith validate --file ${shown}`);
  }
  return { hub, warnings: problems, file, baseDir: path.dirname(file), source };
}

async function readHubText(file: string, shown: string): Promise<string> {
  let buf: Buffer;
  let fd: number | undefined;
  try {
    // O_NONBLOCK: a FIFO opened for reading must not wait for a writer (it is refused below). The file
    // may be a link: it is the user's input, named on the command line.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new InputError('HubUnreadable', `${shown} is a folder, not a hub file`, [], 'pass the file with --file PATH');
    if (!stat.isFile()) throw new InputError('HubUnreadable', `${shown} is not a regular file (a pipe, device or socket)`, [], 'save the hub file to disk and pass it with --file PATH');
    if (stat.size > MAX_HUB_FILE_BYTES) throw tooLarge(shown);
    // Bounded whatever the size said: a file that grows while it is read stops at the limit.
    buf = readBounded(fd, MAX_HUB_FILE_BYTES, shown);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EFBIG') throw tooLarge(shown);
    if (code === 'ENOENT') {
      throw new InputError('HubNotFound', `no hub file at ${shown}`, [], notFoundHint(shown));
    }
    if (code === 'EISDIR') throw new InputError('HubUnreadable', `${shown} is a folder, not a hub file`, [], 'pass the file with --file PATH');
    throw new InputError('HubUnreadable', `cannot read ${shown} (${code ?? 'unknown error'})`, [], 'check the file permissions', { cause: e });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return buf.toString('utf8').replace(/^\uFEFF/, '');
}

function tooLarge(shown: string): InputError {
  return new InputError('HubUnreadable', `${shown} is larger than 1 MiB; a hub file is a few kilobytes`, [], 'check that --file names the hub file');
}

function notFoundHint(shown: string): string {
  return shown === DEFAULT_HUB_FILE
    ? `create ${DEFAULT_HUB_FILE} in this folder (see the README for an example), or pass --file PATH`
    : 'check the path given with --file';
}

/** JSON for `.json` files or text that opens with `{`; YAML otherwise. */
export function detectFormat(file: string, text: string): HubFormat {
  if (/\.json$/i.test(file)) return 'json';
  if (/\.ya?ml$/i.test(file)) return 'yaml';
  return /^\s*\{/.test(text) ? 'json' : 'yaml';
}

/**
 * Parses hub text and validates it; problems get the line and column of the value they name and come
 * in file order.
 * Throws InputError `HubSyntax` when the text is not valid YAML/JSON. Pure apart from the device registry.
 */
export function parseAndValidateHub(
  text: string, shownName: string, format: HubFormat, devices?: DeviceTable,
): { hub?: Hub; problems: LocatedProblem[] } {
  // JSON is read by JSON.parse; its text is read as YAML (a superset) only to place a problem.
  let read: YamlRead | undefined;
  const asYaml = (): YamlRead => (read ??= readYaml(text));
  let raw: unknown;
  if (format === 'json') {
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw jsonSyntaxError(e, text, asYaml(), shownName);
    }
  } else {
    const yaml = asYaml();
    if (!yaml.ok) throw yamlSyntaxError(yaml, shownName);
    raw = yaml.value;
  }
  const { hub, problems } = validateHub(raw, { devices: devices ?? DEVICES });
  const placed = problems.length > 0 ? asYaml() : undefined;
  const positionOf = placed?.ok ? yamlPositions(text, placed.events) : undefined;
  const out = problems.map((p) => {
    const withFile = p.path === ROOT_PATH ? { ...p, path: shownName } : p;
    const pos = p.path === ROOT_PATH ? undefined : positionOf?.(parsePath(p.path));
    return pos ? located(withFile, pos, shownName) : withFile;
  });
  return { ...(hub ? { hub } : {}), problems: inFileOrder(out) };
}

function yamlSyntaxError(read: Exclude<YamlRead, { ok: true }>, shownName: string): InputError {
  if (read.problem === 'aliases') {
    return new InputError('HubSyntax', `${shownName} uses too many YAML aliases`, [{ path: shownName, severity: 'error', message: 'YAML aliases expand beyond the allowed size', fix: 'write the values out instead of using aliases' }]);
  }
  if (read.problem === 'documents') {
    return new InputError('HubSyntax', `${shownName} holds ${read.count} YAML documents`, [{ path: shownName, severity: 'error', message: `${read.count} documents separated by ---; a hub file is one`, fix: 'keep one hub per file: remove the extra --- lines, or split the file' }], 'fix the syntax error listed above');
  }
  const pos = read.position;
  const problem: Problem = { path: shownName, severity: 'error', message: `${pos ? `line ${pos.line}, column ${pos.col}: ` : ''}${read.reason}`, fix: read.fix ?? 'correct the YAML syntax there (indentation, quotes, a key given twice)' };
  return new InputError('HubSyntax', `${shownName} is not valid YAML`, [pos ? located(problem, pos, shownName) : problem], 'fix the syntax errors listed above');
}

/** Stable sort by line: problems read top to bottom like the file (whole-file problems first). */
function inFileOrder(problems: LocatedProblem[]): LocatedProblem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.line ?? 0) - (b.p.line ?? 0) || (a.p.column ?? 0) - (b.p.column ?? 0) || a.i - b.i)
    .map((x) => x.p);
}

function located(p: Problem, pos: TextPosition, file: string): LocatedProblem {
  return { ...p, file, line: pos.line, column: pos.col };
}

/** A JSON syntax error with a position but without the parser's message (which quotes the text). */
function jsonSyntaxError(e: unknown, text: string, read: YamlRead, shownName: string): InputError {
  const m = /position (\d+)/.exec(e instanceof Error ? e.message : '');
  let pos: TextPosition | undefined;
  if (m) {
    pos = offsetPositions(text)(Number(m[1]));
  } else if (!read.ok && read.problem === 'syntax') {
    pos = read.position;
  }
  const where = pos ? `line ${pos.line}, column ${pos.col}: ` : '';
  const problem: Problem = {
    path: shownName,
    severity: 'error',
    message: `${where}invalid JSON`,
    fix: 'correct the JSON there (strict JSON has no comments, single quotes or trailing commas), or write the file as YAML',
  };
  return new InputError('HubSyntax', `${shownName} is not valid JSON`, [pos ? located(problem, pos, shownName) : problem], 'fix the syntax error listed above');
}
