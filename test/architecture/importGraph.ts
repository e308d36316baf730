/**
 * The import graph of src/, read with TypeScript's own parser: every `import` (`import type` included),
 * `export ... from`, `import x = require()`, `require()`, `import()` and type-level `import('...')` whose
 * module is a string literal. Relative modules are resolved to files; packages are left out.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** One import in a file: the module as written, its line, and the file it resolves to (relative to the root). */
export interface ImportEdge {
  from: string;
  specifier: string;
  line: number;
  /** Undefined for a package or built-in; `null` for a relative module that names no file. */
  to: string | undefined | null;
}

/** Every module specifier written as a string literal in `source`, with its 1-based line. */
export function moduleSpecifiers(fileName: string, source: string): Array<{ specifier: string; line: number }> {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: Array<{ specifier: string; line: number }> = [];
  const add = (node: ts.Node | undefined) => {
    if (node && ts.isStringLiteralLike(node)) found.push({ specifier: node.text, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression);
    else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isDynamicImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if ((isDynamicImport || isRequire) && node.arguments.length >= 1) add(node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Every .ts file under `dir` (relative to `root`, with forward slashes), sorted. */
export function listSourceFiles(root: string, dir = root): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listSourceFiles(root, full));
    else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(path.relative(root, full).split(path.sep).join('/'));
  }
  return files.sort();
}

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** The file a relative module names, the way Node and TypeScript resolve it (relative to `root`), or null. */
export function resolveRelative(root: string, fromFile: string, specifier: string): string | null {
  const base = path.resolve(root, path.dirname(fromFile), specifier);
  const candidates = [base, `${base}.ts`, `${base}.js`, `${base}.json`, path.join(base, 'index.ts'), path.join(base, 'index.js')];
  const hit = candidates.find(isFile);
  return hit === undefined ? null : path.relative(root, hit).split(path.sep).join('/');
}

/** The import graph of every .ts file under `root`. A target outside `root` keeps its `../` path. */
export function readImportGraph(root: string): ImportEdge[] {
  return listSourceFiles(root).flatMap((file) =>
    moduleSpecifiers(file, readFileSync(path.join(root, file), 'utf8')).map(({ specifier, line }) => ({
      from: file,
      specifier,
      line,
      to: specifier.startsWith('.') ? resolveRelative(root, file, specifier) : undefined,
    })),
  );
}
