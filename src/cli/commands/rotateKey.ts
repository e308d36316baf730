/**
 * `tunnelsmith rotate-key prepare|apply|rollback|status|abort --file hub.yaml (--site NAME | --all)`.
 * Keys never reach stdout, stderr or --json, except with `--show-secret` (status and prepare only).
 */
import path from 'node:path';
import { InputError, UsageError, formatProblem, type Problem } from '../../errors';
import { openHubSession, withAzureOptions } from '../azureOptions';
import { defineCommand, writeLine, type CliIO } from '../command';
import { afterApplySteps, afterPrepareSteps, printNext, type RotatedSite } from '../nextSteps';
import { jsonProblem, writeJsonLine } from '../output';
import { lockHub, withWaitLock, type WaitLockArgs } from '../lockOption';
import { timeoutMs, withTimeout, type TimeoutArgs } from '../timeoutOption';
import type { RotationAction, SiteOutcome } from '../../rotation/run';
import type { SiteResult } from '../../rotation/fleet';
import type { Site } from '../../hub/types';

const ACTIONS = ['prepare', 'apply', 'rollback', 'status', 'abort'] as const;

interface RotateKeyArgs extends WaitLockArgs, TimeoutArgs {
  action: RotationAction;
  file?: string;
  cloud?: string;
  site?: string;
  all: boolean;
  out?: string;
  device: string;
  redact: boolean;
  archive: boolean;
  force: boolean;
  facts?: string;
  concurrency: number;
  'show-secret': boolean;
  'confirm-timeout': number;
  'confirm-interval': number;
  offline: boolean;
  'arm-endpoint'?: string;
  'ca-file'?: string;
  'vault-endpoint'?: string;
}

export const rotateKeyCommand = defineCommand<RotateKeyArgs>({
  command: 'rotate-key <action>',
  describe: 'Rotate sites\' shared keys in two steps: prepare (new key + bundle), apply (Azure), rollback, status, abort',
  builder: (y) =>
    withTimeout(withWaitLock(withAzureOptions(y)))
      .positional('action', { choices: ACTIONS, describe: 'prepare | apply | rollback | status | abort', demandOption: true })
      .option('site', { type: 'string', describe: 'One site by name' })
      .option('all', { type: 'boolean', default: false, describe: 'Every site of the hub' })
      .option('out', { type: 'string', describe: 'Bundle folder (prepare writes out/next, apply checks the staged bundle there, rollback writes out/rollback)' })
      .option('device', { type: 'string', default: 'own', describe: 'Bundle devices: own, all, or a device id' })
      .option('redact', { type: 'boolean', default: false, describe: 'Bundle without the key; the key in <out>/<site>.key (0600)' })
      .option('archive', { type: 'boolean', default: false, describe: 'Also write <out>/<site>.tar.gz' })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite bundle files edited by hand' })
      .option('facts', { type: 'string', describe: 'Render the bundle from this facts file instead of reading Azure' })
      .option('concurrency', { type: 'number', default: 4, describe: 'With --all: sites handled at once' })
      .option('show-secret', { type: 'boolean', default: false, describe: 'Print keys (status, prepare): the only way a key reaches the screen' })
      .option('confirm-timeout', { type: 'number', default: 600, describe: 'Seconds to wait for Azure to confirm a key change' })
      .option('confirm-interval', { type: 'number', default: 2, describe: 'Seconds between read-backs while confirming' })
      .option('offline', { type: 'boolean', default: false, describe: 'status: do not ask Azure which key it holds' })
      .example('$0 rotate-key status --all', 'Where each site\'s rotation stands, and which key Azure holds')
      .example('$0 rotate-key prepare --site hq', 'Days before: a new key in the journal and hq\'s bundle with it in out/next/hq/ (Azure unchanged)')
      .example('$0 rotate-key apply --site hq', 'In the window: check the staged bundle, set the key on Azure, confirm it')
      .example('$0 rotate-key rollback --site hq', 'The device cannot take it: the previous key back on Azure, its bundle in out/rollback/hq/')
      .example('$0 rotate-key abort --site hq', 'Drop a prepared key that was never applied')
      .epilogue('Step by step, as an on-prem team runs it: docs/rotation.md.') as never,
  run: async (args, io) => runRotateKey(args, io),
});

async function runRotateKey(args: RotateKeyArgs & { json: boolean }, io: CliIO): Promise<number> {
  const action = args.action;
  if (args.site && args.all) throw new UsageError('SiteAndAll', '--site and --all exclude each other', 'name one site with --site, or every site with --all');
  if (!args.site && !args.all && action !== 'status') throw new UsageError('NoSite', `rotate-key ${action} needs --site NAME or --all`, 'name the site to rotate, or --all for every site');
  const busyTimeoutMs = timeoutMs(args);
  if (!(args.concurrency >= 1)) throw new UsageError('BadConcurrency', '--concurrency must be 1 or more', 'for example --concurrency 4');
  if (args['show-secret'] && action !== 'status' && action !== 'prepare') throw new UsageError('ShowSecretScope', '--show-secret works with status and prepare only', 'run rotate-key status --show-secret');

  const { parseDeviceSelection } = await import('../../app/deviceSelection');
  const device = parseDeviceSelection(args.device);
  const { rotateKeys } = await import('../../app/rotateKey');
  const { hubLockPlace } = await import('../../app/session');
  const { worstExitCode } = await import('../../rotation/fleet');

  const session = await openHubSession(args, io);
  const hub = session.hub;
  const names = args.site ? [args.site] : hub.sites.map((s) => s.name);
  const { checkSiteNames } = await import('../../app/siteSelection');
  checkSiteNames(hub, names, path.relative(io.cwd, session.file));

  // status only reads; every other action holds the hub's lock (journal, Azure, the staged bundle).
  const lock = action === 'status' ? undefined : await lockHub(args, io, hubLockPlace(session), `rotate-key ${action}`);
  try {
    const crashAt = io.env.TUNNELSMITH_CRASH_AT;
    const outDir = path.resolve(io.cwd, args.out ?? (action === 'rollback' ? 'out/rollback' : 'out/next'));
    const { results, knownKeys: secrets } = await rotateKeys(session, {
      action,
      sites: names,
      concurrency: args.site ? 1 : args.concurrency,
      offline: args.offline,
      ...(args.facts ? { factsFile: path.resolve(io.cwd, args.facts) } : {}),
      bundle: {
        outDir,
        device,
        redact: args.redact,
        archive: args.archive,
        force: args.force,
      },
      busyTimeoutMs,
      confirm: { timeoutMs: args['confirm-timeout'] * 1000, intervalMs: Math.max(0, args['confirm-interval'] * 1000) },
      onEvent: (e) => {
        if (args.json) writeJsonLine(io, 'progress', { site: e.site, step: e.step, ...(e.detail ? { detail: e.detail } : {}), time: new Date().toISOString() });
        else writeLine(io.stderr, `${e.site}: ${e.step}${e.detail ? `: ${e.detail}` : ''}`);
      },
      ...(crashAt ? { checkpoint: crashHook(crashAt) } : {}),
    });

    // Defence in depth: no text below may hold a key the journal knows, whatever an error message said.
    const scrub = (text: string) => secrets.reduce((t, k) => (k.length >= 8 ? t.split(k).join('[redacted]') : t), text);
    const showSecret = args['show-secret'];
    for (const r of results) if (!r.ok && !r.hint) r.hint = NEXT_STEP[action];
    const exitCode = worstExitCode(results.map((r) => r.exitCode));
    const next = nextSteps(action, results, { outDir, cwd: io.cwd, file: args.file, sites: hub.sites });
    if (args.json) {
      writeJsonLine(io, 'rotate-key', { action, sites: results.map((r) => jsonResult(r, showSecret, scrub)), exitCode, ...(next.length ? { next } : {}) });
      const failed = results.filter((r): r is Extract<SiteResult<SiteOutcome>, { ok: false }> => !r.ok);
      if (failed.length > 0) writeJsonLine(io, 'error', fleetError(failed, results.length, exitCode, scrub));
    } else {
      for (const r of results) printResult(r, io, showSecret, scrub);
      if (results.length > 1) {
        const failed = results.filter((r) => !r.ok).length;
        writeLine(io.stdout, `${results.length - failed} of ${results.length} site(s) done${failed ? `, ${failed} failed` : ''}`);
      }
      printNext(io, next);
    }
    return exitCode;
  } finally {
    lock?.release();
  }
}

/** What is left to do: prepare's bundles to stage; after apply (unless Azure already held the key) the devices. */
function nextSteps(action: RotationAction, results: SiteResult<SiteOutcome>[], where: { outDir: string; cwd: string; file?: string; sites: readonly Site[] }): string[] {
  const shown = (p: string) => path.relative(where.cwd, p) || '.';
  const done: RotatedSite[] = [];
  for (const r of results) {
    if (!r.ok || !(action === 'prepare' || (action === 'apply' && !r.value.alreadyInPlace))) continue;
    const keyRef = where.sites.find((s) => s.name === r.site)?.sharedKey;
    done.push({ site: r.site, bundleDir: shown(r.value.bundleDir ?? path.join(where.outDir, r.site)), ...(r.value.keyFile ? { keyFile: shown(r.value.keyFile) } : {}), ...(keyRef ? { keyRef } : {}) });
  }
  return action === 'prepare' ? afterPrepareSteps(done, where.file) : action === 'apply' ? afterApplySteps(done, where.file) : [];
}

/** What to do after a failure the error itself gives no advice for: the journal says where it stopped. */
const NEXT_STEP: Record<RotationAction, string> = {
  prepare: 'fix the cause, then run rotate-key prepare again (a recorded key is kept)',
  apply: 'the journal keeps both keys: run rotate-key apply again to finish, or rotate-key rollback',
  rollback: 'the journal keeps both keys: run rotate-key rollback again to finish',
  status: 'run rotate-key status again, or with --offline',
  abort: 'run rotate-key status',
};

function printResult(r: SiteResult<SiteOutcome>, io: CliIO, showSecret: boolean, scrub: (t: string) => string): void {
  if (!r.ok) {
    for (const p of problemsOf(r)) writeLine(io.stderr, scrub(`${r.site}: ${formatProblem(p)}`));
    writeLine(io.stderr, scrub(`${r.site}: error [${r.code}]: ${r.message}`));
    if (r.hint) writeLine(io.stderr, scrub(`${r.site}: next: ${r.hint}`));
    return;
  }
  const o = r.value;
  const status = o.connectionStatus ? ` (connection ${o.connectionStatus})` : '';
  writeLine(io.stdout, scrub(`${o.site}: ${o.state}: ${o.message}${status}`));
  if (o.bundleDir) writeLine(io.stdout, `  bundle: ${o.bundleDir}`);
  if (o.keyFile) writeLine(io.stdout, `  key file (0600): ${o.keyFile}`);
  if (o.archive) writeLine(io.stdout, `  archive: ${o.archive}`);
  if (o.vaultVersion) writeLine(io.stdout, `  Key Vault version: ${o.vaultVersion}`);
  if (o.action === 'status') {
    writeLine(io.stdout, `  previous key kept: ${o.summary.hasPrevious ? 'yes' : 'no'}; prepared key: ${o.summary.hasPending ? 'yes' : 'no'}; updated ${o.summary.updatedAt}`);
  }
  if (showSecret && o.secrets) {
    for (const [name, key] of Object.entries(o.secrets)) writeLine(io.stdout, `  ${name} key: ${key}`);
  }
}

function jsonResult(r: SiteResult<SiteOutcome>, showSecret: boolean, scrub: (t: string) => string): Record<string, unknown> {
  if (!r.ok) {
    const problems = scrubbedProblems(r, scrub);
    return { site: r.site, ok: false, exitCode: r.exitCode, error: { code: r.code, message: scrub(r.message), ...(r.hint ? { hint: scrub(r.hint) } : {}), ...(problems.length ? { problems } : {}) } };
  }
  const { secrets, ...rest } = r.value;
  return { ok: true, exitCode: 0, ...rest, ...(showSecret && secrets ? { secrets } : {}) };
}

/** A failed site's problems with every secret value scrubbed from their words. */
function scrubbedProblems(r: SiteResult<SiteOutcome>, scrub: (t: string) => string): Problem[] {
  return problemsOf(r).map((p) => ({ ...p, message: scrub(p.message), ...(p.fix ? { fix: scrub(p.fix) } : {}) }));
}

/** The `--json` error line of a run where some sites failed: one site's error as it is, or every failed site as a problem. */
function fleetError(failed: Extract<SiteResult<SiteOutcome>, { ok: false }>[], total: number, exitCode: number, scrub: (t: string) => string): Record<string, unknown> {
  const one = failed.length === 1 && total === 1 ? failed[0] : undefined;
  const problems = failed.flatMap((r) => [
    ...scrubbedProblems(r, scrub).map(jsonProblem),
    ...(one ? [] : [jsonProblem({ path: `site ${r.site}`, severity: 'error', message: scrub(`[${r.code}] ${r.message}`), ...(r.hint ? { fix: scrub(r.hint) } : {}) })]),
  ]);
  return {
    code: one ? one.code : 'SitesFailed',
    exitCode,
    message: scrub(one ? `${one.site}: ${one.message}` : `${failed.length} of ${total} site(s) failed: ${failed.map((r) => `${r.site} (${r.code})`).join(', ')}`),
    problems,
    ...(one?.hint ? { hint: scrub(one.hint) } : !one ? { hint: 'each site\'s error is in the rotate-key line above; the others are done: run the same command again for the failed sites' } : {}),
  };
}

/** The problems an input error carries (e.g. why a bundle could not be rendered). */
function problemsOf(r: SiteResult<SiteOutcome>): Problem[] {
  return !r.ok && r.error instanceof InputError ? r.error.problems : [];
}

/** Fault injection for crash tests: `TUNNELSMITH_CRASH_AT=<checkpoint>` kills this process there with SIGKILL. */
function crashHook(spec: string): (point: string) => void {
  return (point) => {
    if (point === spec) process.kill(process.pid, 'SIGKILL');
  };
}

