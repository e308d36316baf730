/** One figure of a benchmark, its target and the ratio between them; the table printed at the end. */

export interface Figure {
  benchmark: string;
  name: string;
  value: number;
  unit: string;
  /** The target; absent for figures reported for information. */
  target?: number;
  /** `max`: value must stay at or below the target; `min`: at or above; `equal`: exactly the target. */
  kind?: 'max' | 'min' | 'equal';
  /** Free text shown after the figure (how it was measured). */
  note?: string;
}

export interface FigureResult extends Figure {
  /** value / target (for `min`: target / value), so below 1 is better than the target; 1 = on target. */
  ratio?: number;
  pass?: boolean;
}

/** Adds the ratio and the verdict to a figure. Pure. */
export function judge(f: Figure): FigureResult {
  if (f.target === undefined || f.kind === undefined) return { ...f };
  if (f.kind === 'equal') return { ...f, pass: f.value === f.target };
  const ratio = f.kind === 'max' ? (f.target === 0 ? (f.value === 0 ? 0 : Infinity) : f.value / f.target) : f.value === 0 ? Infinity : f.target / f.value;
  const pass = f.kind === 'max' ? f.value <= f.target : f.value >= f.target;
  return { ...f, ratio, pass };
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return String(n);
  const abs = Math.abs(n);
  return abs >= 100 ? n.toFixed(0) : abs >= 10 ? n.toFixed(1) : abs >= 1 ? n.toFixed(2) : n.toFixed(3);
}

/** The figures as an aligned text table. Pure. */
export function formatTable(rows: FigureResult[]): string {
  const head = ['benchmark', 'figure', 'value', 'target', 'ratio', 'ok'];
  const body = rows.map((r) => [
    r.benchmark,
    r.name,
    `${fmt(r.value)} ${r.unit}`.trim(),
    r.target === undefined ? '-' : `${r.kind === 'max' ? '<= ' : r.kind === 'min' ? '>= ' : '= '}${fmt(r.target)} ${r.unit}`.trim(),
    r.ratio === undefined ? '-' : fmt(r.ratio),
    r.pass === undefined ? '' : r.pass ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
