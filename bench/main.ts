/**
 * `npm run bench`: runs the benchmarks, prints one table (figure, target, ratio) and writes
 * bench/results/latest.json. Options: --only render,startup,deploy,rotation,properties; --runs N
 * (start-up samples, default 15).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, log } from './common';
import { benchDeploy } from './deploy';
import { benchProperties } from './properties';
import { benchRender } from './render';
import { benchRotation } from './rotation';
import { benchStartup } from './startup';
import { formatTable, judge, type Figure, type FigureResult } from './report';

type Bench = (o: Options) => Promise<{ figures: Figure[]; details: unknown }>;

interface Options {
  runs: number;
}

const BENCHES: Record<string, Bench> = {
  render: () => benchRender({ runs: 5 }),
  startup: (o) => benchStartup({ runs: o.runs }),
  deploy: () => benchDeploy(),
  rotation: () => benchRotation(),
  properties: () => benchProperties(),
};

function parseArgs(argv: string[]): { only: string[]; options: Options } {
  let only = Object.keys(BENCHES);
  const options: Options = { runs: 15 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--only') only = value().split(',');
    else if (a === '--runs') options.runs = Number(value());
    else throw new Error(`unknown option ${a}; use --only ${Object.keys(BENCHES).join(',')} and --runs N`);
  }
  for (const name of only) if (!BENCHES[name]) throw new Error(`unknown benchmark ${name}; choose from ${Object.keys(BENCHES).join(', ')}`);
  return { only, options };
}

async function main(): Promise<void> {
  const { only, options } = parseArgs(process.argv.slice(2));
  const results: FigureResult[] = [];
  const details: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const name of only) {
    log(`== ${name}`);
    const started = Date.now();
    try {
      const r = await BENCHES[name](options);
      results.push(...r.figures.map(judge));
      details[name] = r.details;
    } catch (e) {
      errors[name] = e instanceof Error ? (e.stack ?? e.message) : String(e);
      log(`${name} failed: ${errors[name]}`);
    }
    log(`== ${name} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  process.stdout.write(`\n${formatTable(results)}\n`);
  const failed = results.filter((r) => r.pass === false);
  process.stdout.write(`\n${results.filter((r) => r.pass !== undefined).length - failed.length} of ${results.filter((r) => r.pass !== undefined).length} targets met${Object.keys(errors).length ? `; ${Object.keys(errors).length} benchmark(s) failed to run: ${Object.keys(errors).join(', ')}` : ''}\n`);
  const file = path.join(ROOT, 'bench', 'results', 'latest.json');
  await fs.mkdir(path.dirname(file), { recursive: true });
  const machine = { node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30) };
  await fs.writeFile(file, `${JSON.stringify({ date: new Date().toISOString(), machine, figures: results, errors, details }, null, 2)}\n`);
  process.stdout.write(`results: ${path.relative(process.cwd(), file)}\n`);
  if (Object.keys(errors).length > 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
