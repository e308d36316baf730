/** The template engine behind a small interface: nunjucks over `device-templates/`, no logic, no escaping. */
import path from 'node:path';
import nunjucks from 'nunjucks';

export const TEMPLATE_ROOT = path.resolve(__dirname, '..', '..', 'device-templates');

export interface TemplateEngine {
  render(templatePath: string, view: Record<string, unknown>): string;
}

let shared: nunjucks.Environment | undefined;

function environment(): nunjucks.Environment {
  shared ??= new nunjucks.Environment(new nunjucks.FileSystemLoader(TEMPLATE_ROOT, { noCache: false }), {
    autoescape: false,
    throwOnUndefined: true,
    trimBlocks: true,
    lstripBlocks: true,
  });
  return shared;
}

/** Renders `device-templates/<templatePath>`; an undefined variable is an error, never an empty string. */
export const templateEngine: TemplateEngine = {
  render(templatePath, view) {
    return environment().render(templatePath, view);
  },
};
