/**
 * The handoff page's repeated rows as finished markup: the topology's shapes, the parameter rows and the
 * procedure steps. A template loop that only joins strings costs the engine a frame and eight loop
 * variables per row (about 120 rows a page); the page view hands these to the template whole instead.
 * Every value is escaped here with the template engine's own escaping, as `| escape` would in the
 * template, so the bytes are the same. The page view names each such field `...Html`; the template
 * prints those as they are and escapes everything else.
 */
import { escapeHtml } from '../render/engine';
import type { TopologySvg } from './topologyLayout';

/** A run of step text: prose, or a command/path the README wrote between backticks. */
export interface TextSegment {
  text: string;
  code: boolean;
}

/** Splits README-style text on backticks: `copy `a` to `b`` gives prose, code, prose, code. */
export function splitCode(text: string): TextSegment[] {
  return text
    .split('`')
    .map((part, i) => ({ text: part, code: i % 2 === 1 }))
    .filter((s) => s.text !== '');
}

/** A number's text (digits, `.`, `-`, `e`, `+`) holds nothing escaping rewrites, so it is not run through it. */
function esc(value: string | number): string {
  return typeof value === 'number' ? String(value) : escapeHtml(value);
}

/** The drawing's rects, then lines, then texts (later ones on top), one element a line, without a final newline. */
export function topologyShapesHtml(svg: TopologySvg): string {
  const out: string[] = [];
  for (const r of svg.rects) {
    out.push(`<rect class="${esc(r.cls)}" x="${esc(r.x)}" y="${esc(r.y)}" width="${esc(r.w)}" height="${esc(r.h)}"/>`);
  }
  for (const l of svg.lines) {
    const data = l.data.map((a) => ` data-${esc(a.name)}="${esc(a.value)}"`).join('');
    out.push(`<line class="${esc(l.cls)}" x1="${esc(l.x1)}" y1="${esc(l.y1)}" x2="${esc(l.x2)}" y2="${esc(l.y2)}"${data}/>`);
  }
  for (const t of svg.texts) {
    out.push(`<text class="${esc(t.cls)}" x="${esc(t.x)}" y="${esc(t.y)}" text-anchor="${esc(t.anchor)}">${esc(t.text)}</text>`);
  }
  return out.join('\n');
}

/** Table rows of name and value, one a line, without a final newline. */
export function parameterRowsHtml(rows: { name: string; value: string }[]): string {
  return rows.map((r) => `<tr><td class="name">${esc(r.name)}</td><td>${esc(r.value)}</td></tr>`).join('\n');
}

/** One `<li><code>` per word, one a line, without a final newline. */
export function policyWordsHtml(words: string[]): string {
  return words.map((w) => `<li><code>${esc(w)}</code></li>`).join('\n');
}

/** One `<li>` per step, each ending its line; backticked parts as `<code>`. Empty for no steps. */
export function stepsHtml(steps: string[]): string {
  let out = '';
  for (const step of steps) {
    const segments = splitCode(step).map((s) => (s.code ? `<code>${esc(s.text)}</code>` : esc(s.text)));
    out += `<li>${segments.join('')}</li>\n`;
  }
  return out;
}
