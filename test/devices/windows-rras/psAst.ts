/**
 * Reads a rendered PowerShell script with web-tree-sitter and tree-sitter-powershell: syntax errors,
 * the commands it runs with their parameters (direct and splatted), the hashtables assigned to
 * variables, and a lint of all of that against the allowlist in `cmdlets.ts`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Language, Parser, type Node } from 'web-tree-sitter';
import { acceptedValues, isAllowedCmdlet, isAllowedParameter } from './cmdlets';

const GRAMMAR = path.resolve(__dirname, '../../../node_modules/tree-sitter-powershell/tree-sitter-powershell.wasm');

let parserPromise: Promise<Parser> | undefined;

/** One shared parser (loading the wasm grammar takes a moment). */
export function powerShellParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    await Parser.init();
    // Bytes, not a path: loading from a path uses a dynamic import that jest's VM does not allow.
    const language = await Language.load(new Uint8Array(readFileSync(GRAMMAR)));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return parserPromise;
}

export interface PsCommand {
  name: string;
  line: number;
  /** Parameter names without the dash, in order. */
  parameters: string[];
  /** Literal values following a parameter (quotes stripped), when the next element is a plain value. */
  values: Record<string, string>;
  /** Splatted variable names without `@`. */
  splats: string[];
  /**
   * Commands whose existence an enclosing `if (Get-Command -Name X ...) { ... }` tested before this one runs
   * (the command sits in the if's block, not in its condition).
   */
  guards: string[];
}

export interface PsAnalysis {
  /** `ERROR`/`MISSING` nodes with their line (1-based). */
  syntaxProblems: string[];
  commands: PsCommand[];
  /** Variable name (without `$`) -> hashtable keys and their value text (quotes stripped for plain strings). */
  hashtables: Map<string, Map<string, string>>;
}

function walk(node: Node, visit: (n: Node) => void): void {
  visit(node);
  for (const child of node.children) if (child) walk(child, visit);
}

function unquote(text: string): string {
  const t = text.trim();
  return /^'[^']*'$/.test(t) || /^"[^"]*"$/.test(t) ? t.slice(1, -1) : t;
}

function readCommand(node: Node): PsCommand {
  const name = node.childForFieldName('command_name')?.text ?? '';
  const elements = node.childForFieldName('command_elements');
  const parameters: string[] = [];
  const values: Record<string, string> = {};
  const splats: string[] = [];
  const items = elements ? elements.namedChildren.filter((c): c is Node => c !== null && c.type !== 'command_argument_sep') : [];
  items.forEach((item, i) => {
    if (item.type === 'command_parameter') {
      const param = item.text.replace(/^-/, '').replace(/:$/, '');
      parameters.push(param);
      const next = items[i + 1];
      if (next && next.type !== 'command_parameter') values[param] = unquote(next.text);
    }
    walk(item, (n) => {
      if (n.type === 'variable' && n.text.startsWith('@')) splats.push(n.text.slice(1));
    });
  });
  return { name, line: node.startPosition.row + 1, parameters, values, splats, guards: guardsOf(node) };
}

/** The `Get-Command -Name X` tests of every `if` whose block holds `node`. */
function guardsOf(node: Node): string[] {
  const guards: string[] = [];
  for (let n: Node | null = node; n; n = n.parent) {
    const ifStatement = n.parent;
    if (n.type !== 'statement_block' || ifStatement?.type !== 'if_statement') continue;
    const condition = ifStatement.namedChildren.find((c) => c?.type === 'pipeline');
    if (!condition) continue;
    walk(condition, (c) => {
      if (c.type !== 'command') return;
      const cmd = readCommandName(c);
      const elements = c.childForFieldName('command_elements');
      const items = elements ? elements.namedChildren.filter((x): x is Node => x !== null && x.type !== 'command_argument_sep') : [];
      const at = items.findIndex((x) => x.type === 'command_parameter' && /^-Name:?$/i.test(x.text));
      if (cmd.toLowerCase() === 'get-command' && at >= 0 && items[at + 1]) guards.push(unquote(items[at + 1].text));
    });
  }
  return guards;
}

function readCommandName(node: Node): string {
  return node.childForFieldName('command_name')?.text ?? '';
}

function readHashtable(assignment: Node, out: Map<string, Map<string, string>>): void {
  const left = assignment.namedChildren.find((c) => c?.type === 'left_assignment_expression');
  const value = assignment.childForFieldName('value');
  if (!left || !value) return;
  let table: Node | undefined;
  walk(value, (n) => {
    if (!table && n.type === 'hash_literal_expression') table = n;
  });
  if (!table) return;
  const entries = new Map<string, string>();
  walk(table, (n) => {
    if (n.type !== 'hash_entry') return;
    const key = n.namedChildren.find((c) => c?.type === 'key_expression');
    const val = n.namedChildren.find((c) => c?.type === 'pipeline');
    if (key) entries.set(key.text.trim(), unquote(val?.text ?? ''));
  });
  out.set(left.text.trim().replace(/^\$/, ''), entries);
}

/** Parses a script and collects what the checks need. */
export async function analyzePowerShell(source: string): Promise<PsAnalysis> {
  const parser = await powerShellParser();
  const tree = parser.parse(source);
  if (!tree) throw new Error('tree-sitter returned no tree');
  const syntaxProblems: string[] = [];
  const commands: PsCommand[] = [];
  const hashtables = new Map<string, Map<string, string>>();
  walk(tree.rootNode, (n) => {
    if (n.type === 'ERROR' || n.isMissing) syntaxProblems.push(`${n.isMissing ? 'MISSING' : 'ERROR'} at line ${n.startPosition.row + 1}: ${n.text.slice(0, 60)}`);
    if (n.type === 'command') commands.push(readCommand(n));
    if (n.type === 'assignment_expression') readHashtable(n, hashtables);
  });
  tree.delete();
  return { syntaxProblems, commands, hashtables };
}

/**
 * Every use the allowlist does not cover: unknown cmdlets, unknown parameters (direct or as keys of a
 * splatted hashtable), splats of variables that hold no hashtable, and enum values Windows does not accept.
 */
export function lintAgainstAllowlist(analysis: PsAnalysis): string[] {
  const out: string[] = [];
  const checkValue = (cmd: PsCommand, param: string, value: string) => {
    const accepted = acceptedValues(cmd.name, param);
    if (accepted && !value.startsWith('$') && !accepted.some((a) => a.toLowerCase() === value.toLowerCase())) {
      out.push(`line ${cmd.line}: ${cmd.name} -${param} ${value} is not an accepted value (${accepted.join(', ')})`);
    }
  };
  for (const cmd of analysis.commands) {
    if (!isAllowedCmdlet(cmd.name)) {
      out.push(`line ${cmd.line}: cmdlet ${cmd.name} is not on the allowlist`);
      continue;
    }
    for (const param of cmd.parameters) {
      if (!isAllowedParameter(cmd.name, param)) out.push(`line ${cmd.line}: ${cmd.name} has no parameter -${param}`);
    }
    for (const [param, value] of Object.entries(cmd.values)) checkValue(cmd, param, value);
    for (const splat of cmd.splats) {
      const table = analysis.hashtables.get(splat);
      if (!table) {
        out.push(`line ${cmd.line}: ${cmd.name} splats @${splat}, which holds no hashtable`);
        continue;
      }
      for (const [key, value] of table) {
        if (!isAllowedParameter(cmd.name, key)) out.push(`line ${cmd.line}: ${cmd.name} has no parameter -${key} (in @${splat})`);
        else checkValue(cmd, key, value);
      }
    }
  }
  return out;
}
