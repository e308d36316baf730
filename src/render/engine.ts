/**
 * The template engine behind a small interface: nunjucks over `device-templates/`, no logic, no escaping.
 *
 * The build (`npm run build`, `scripts/precompile-templates.js`) compiles every template ahead of time
 * into `dist/render/templates.precompiled.js`, so a start of the CLI does not spend its time lexing,
 * parsing and compiling templates. A template is taken from there only when its source still has the
 * sha256 it was compiled from, and the nunjucks version and options match; otherwise (tests, a template
 * edited since the build) it is compiled from `device-templates/` as before.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nunjucks from 'nunjucks';
import { packageRoot } from './packageRoot';

export const TEMPLATE_ROOT = path.join(packageRoot(), 'device-templates');

/** The options every template is compiled and rendered with (the precompile step uses these too). */
export const ENGINE_OPTIONS = Object.freeze({ autoescape: false, throwOnUndefined: true, trimBlocks: true, lstripBlocks: true } as const);

/** What `scripts/precompile-templates.js` writes: each template's compiled code, keyed by its name. */
export interface PrecompiledTemplates {
  compiledWith: { nunjucks: string; options: Record<string, unknown> };
  templates: Record<string, { sha256: string; load: () => object }>;
}

/** The module the build writes into dist/render/; its name without the extension. */
export const PRECOMPILED_MODULE = 'templates.precompiled';

export interface TemplateEngine {
  render(templatePath: string, view: Record<string, unknown>): string;
}

/** Whether precompiled code was made by this nunjucks with these options (else it is not used at all). */
export function precompiledMatches(p: PrecompiledTemplates, nunjucksVersion: string): boolean {
  return p.compiledWith.nunjucks === nunjucksVersion && JSON.stringify(p.compiledWith.options) === JSON.stringify(ENGINE_OPTIONS);
}

/**
 * A loader over `root`: a template's precompiled code when its source is unchanged since the build,
 * else its source (compiled on first use). Either way the result is cached for the process.
 */
function templateLoader(root: string, precompiled: PrecompiledTemplates | undefined): nunjucks.ILoader {
  return {
    getSource(name: string) {
      const fullpath = path.resolve(root, name);
      if (!fullpath.startsWith(root + path.sep)) throw new Error(`template ${name} is outside ${root}`);
      let src: string;
      try {
        src = readFileSync(fullpath, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null as unknown as nunjucks.LoaderSource; // "template not found"
        throw e;
      }
      const compiled = precompiled?.templates[name];
      if (compiled && compiled.sha256 === createHash('sha256').update(src, 'utf8').digest('hex')) {
        return { src: { type: 'code', obj: compiled.load() }, path: fullpath, noCache: false } as unknown as nunjucks.LoaderSource;
      }
      return { src, path: fullpath, noCache: false };
    },
  };
}

/** An engine over `root` (default `device-templates/`), using `precompiled` where it still matches. */
export function createTemplateEngine(opts: { root?: string; precompiled?: PrecompiledTemplates } = {}): TemplateEngine {
  let env: nunjucks.Environment | undefined;
  return {
    render(templatePath, view) {
      env ??= new nunjucks.Environment(templateLoader(opts.root ?? TEMPLATE_ROOT, opts.precompiled), { ...ENGINE_OPTIONS });
      const text = env.render(templatePath, view);
      // nunjucks builds its output with `+=`: in V8, a rope of one string per piece (hundreds for a
      // device config). The first search through the text copies it into one flat string. Searching
      // here, at once, lets the pieces die young instead of being copied by every scavenge while the
      // text waits for its bundle (1,000 sites: scavenges 170-182 ms -> 103-111 ms). The search is a
      // check too: no template may print a NUL, which no device takes in a config.
      if (text.includes('\0')) throw new Error(`template ${templatePath} printed a NUL character`);
      return text;
    },
  };
}

/** nunjucks' own `escape`, which the library exports as `lib.escape` (its typings omit `lib`'s helpers). */
const nunjucksEscape = (nunjucks as unknown as { lib: { escape(text: string): string } }).lib.escape;

/**
 * HTML-escapes text exactly as a template's `| escape` does (`& < > " '` and the backslash): for markup
 * that a view assembles itself, so it reads the same as markup the template would have printed.
 */
export function escapeHtml(text: string): string {
  // Most values (class names, addresses, labels) hold none of them: a test costs a quarter of a replace
  // that finds nothing (90,000 short labels: 4 ms against 15 ms).
  return REWRITTEN.test(text) ? nunjucksEscape(text) : text;
}

/**
 * The characters nunjucks' escape rewrites, found by asking it for each ASCII character (its escaping
 * leaves every other character as it is; test/render/escapeHtml.test.ts checks every BMP character).
 */
const REWRITTEN = new RegExp(
  `[${Array.from({ length: 128 }, (_, c) => String.fromCharCode(c))
    .filter((ch) => nunjucksEscape(ch) !== ch)
    .map((ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .join('')}]`,
);

/**
 * The build's precompiled templates, when this code is built (dist/: compiled modules or the bundled
 * CLI, which both take them from dist/render/) and they were made for this nunjucks. The sources (tests)
 * compile from device-templates/.
 */
function builtPrecompiled(): PrecompiledTemplates | undefined {
  if (!__filename.endsWith('.js')) return undefined;
  let p: PrecompiledTemplates;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    p = require(path.join(packageRoot(), 'dist', 'render', `${PRECOMPILED_MODULE}.js`)) as PrecompiledTemplates;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw e;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { version } = require('nunjucks/package.json') as { version: string };
  return precompiledMatches(p, version) ? p : undefined;
}

let shared: TemplateEngine | undefined;

/** Renders `device-templates/<templatePath>`; an undefined variable is an error, never an empty string. */
export const templateEngine: TemplateEngine = {
  render(templatePath, view) {
    shared ??= createTemplateEngine({ root: TEMPLATE_ROOT, precompiled: builtPrecompiled() });
    return shared.render(templatePath, view);
  },
};
