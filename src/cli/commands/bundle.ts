/**
 * `tunnelsmith bundle`: render and write the handoff bundle of each site (the same files and flags as
 * render), with `--archive` (one .tar.gz per site) and `--diff` (compare with the previous bundle and
 * the files on disk, write nothing, exit 10 when something differs).
 */
import path from 'node:path';
import type { Argv } from 'yargs';
import type { HubSession } from '../../app/session';
import { ExitCode } from '../../errors';
import type { DeviceSelection } from '../../render/plan';
import { openHubSession, withAzureOptions } from '../azureOptions';
import { defineCommand, warnTo, writeLine, type CliIO, type GlobalArgs } from '../command';
import { writeJsonLine } from '../output';
import { lockHub, withWaitLock, type WaitLockArgs } from '../lockOption';

interface BundleArgs extends WaitLockArgs {
  file?: string;
  cloud?: string;
  out: string;
  /** Repeatable: `--site a --site b`. */
  site?: string[];
  device: string;
  facts?: string;
  redact: boolean;
  archive: boolean;
  force: boolean;
  diff: boolean;
  'arm-endpoint'?: string;
  'ca-file'?: string;
  'vault-endpoint'?: string;
  /** Set by `render`, which runs this command without `--diff` (for the lock's holder record). */
  commandName?: string;
}

/** What render and bundle have in common, said in both helps. */
export const RENDER_AND_BUNDLE =
  'render and bundle write the same folder, <out>/<site>/: the device files (<device>/...), README.md (the handoff sheet), ' +
  'index.html, manifest.json and SHA256SUMS, with the same flags. Only bundle has --diff: it compares the bundle it would ' +
  'write with the previous one and the files on disk (hand edits included), writes nothing, and exits 10 when anything differs.';

/** The flags render and bundle share. */
export function withBundleOptions<T>(y: Argv<T>): Argv<T & Omit<BundleArgs, 'diff' | 'commandName'>> {
  // The difference first, then how to sign in (withAzureOptions), a blank line between.
  return withWaitLock(withAzureOptions(y.epilogue(`${RENDER_AND_BUNDLE}\n`)))
      .option('out', { type: 'string', default: 'out', describe: 'Output folder' })
      .option('site', { type: 'string', array: true, nargs: 1, describe: 'Only this site; repeat for several (--site a --site b)' })
      .option('device', { type: 'string', default: 'own', describe: "Each site's own device, 'all', or one device id" })
      .option('facts', { type: 'string', describe: 'Render from this facts file instead of reading Azure' })
      .option('redact', { type: 'boolean', default: false, describe: 'Key replaced by a placeholder; the key in <out>/<site>.key (0600)' })
      .option('archive', { type: 'boolean', default: false, describe: 'Also write <out>/<site>.tar.gz (the site folder as written)' })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite files edited by hand since the last render' }) as unknown as Argv<T & Omit<BundleArgs, 'diff' | 'commandName'>>;
}

export const bundleCommand = defineCommand<BundleArgs>({
  command: 'bundle',
  describe: 'Write the handoff bundle per site (the same files as render); --diff compares it with the files on disk and writes nothing',
  builder: (y) =>
    withBundleOptions(y)
      .option('diff', { type: 'boolean', default: false, describe: 'Compare with the previous bundle and the files on disk (hand edits included); write nothing; exit 10 on a difference' })
      .example('$0 bundle --diff', 'What a new bundle would change in out/, hand edits included (exit 10 when anything differs)')
      .example('$0 bundle --facts out/facts.json --archive', "Every site's bundle from a facts file, plus out/<site>.tar.gz to send")
      .example('$0 bundle --site hq --redact', "hq's bundle with a placeholder for the key; the key alone in out/hq.key (0600)") as unknown as Argv<BundleArgs & GlobalArgs>,
  run: async (args, io) => {
    const { parseDeviceSelection } = await import('../../app/deviceSelection');
    const device = parseDeviceSelection(args.device);
    const { hubLockPlace } = await import('../../app/session');
    const session = await openHubSession(args, io);
    const { checkSiteNames } = await import('../../app/siteSelection');
    checkSiteNames(session.hub, args.site ?? [], path.relative(io.cwd, session.file));
    // --diff writes nothing; every other run holds the hub's lock from reading the keys to the last file.
    const lock = args.diff ? undefined : await lockHub(args, io, hubLockPlace(session), args.commandName ?? 'bundle');
    try {
      return await renderBundles(args, io, session, device);
    } finally {
      lock?.release();
    }
  },
});

async function renderBundles(args: BundleArgs & { json: boolean }, io: CliIO, session: HubSession, device: DeviceSelection): Promise<number> {
  const { diffBundle, renderBundle } = await import('../../app/renderBundle');
  const sites = args.site ? [...new Set(args.site)] : undefined;
  const outDir = path.resolve(io.cwd, args.out);
  const request = {
    device,
    ...(sites ? { sites } : {}),
    redact: args.redact,
    ...(args.facts ? { factsFile: path.resolve(io.cwd, args.facts) } : {}),
    outDir,
    force: args.force,
    archive: args.archive,
  };

  if (args.diff) {
    const { formatBundleDiff } = await import('../../bundle/diff');
    const diffs = await diffBundle(session, request, warnTo(io, args.json));
    const changed = diffs.some((d) => d.changed);
    if (args.json) writeJsonLine(io, 'diff', { outDir, changed, sites: diffs });
    else for (const d of diffs) for (const line of formatBundleDiff(d)) writeLine(io.stdout, line);
    return changed ? ExitCode.changesPending : ExitCode.ok;
  }

  const report = await renderBundle(session, request, warnTo(io, args.json));
  if (args.json) {
    writeJsonLine(io, 'rendered', { outDir, redacted: args.redact, sites: report });
  } else {
    for (const r of report) {
      writeLine(io.stdout, `${r.site}: ${r.files.length} files in ${r.dir}`);
      if (r.keyFile) writeLine(io.stdout, `  key file (0600, send it separately): ${r.keyFile}`);
      if (r.archive) writeLine(io.stdout, `  archive: ${r.archive}`);
      if (r.removedStale.length) writeLine(io.stdout, `  removed files no longer produced: ${r.removedStale.join(', ')}`);
    }
  }
  return ExitCode.ok;
}
