/** The template engine's own checks on what a template prints. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTemplateEngine } from '../../src/render/engine';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ts-engine-'));
  mkdirSync(path.join(root, 'a'));
  writeFileSync(path.join(root, 'a/x.njk'), 'name {{ name }}\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

test('a template that prints a NUL character is refused, by name', () => {
  const engine = createTemplateEngine({ root });
  expect(engine.render('a/x.njk', { name: 'hq' })).toBe('name hq\n');
  expect(() => engine.render('a/x.njk', { name: 'h\0q' })).toThrow('template a/x.njk printed a NUL character');
});
