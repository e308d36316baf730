/**
 * `tunnelsmith bundle`: render and write the handoff bundle of each site (same flags as render), with
 * `--archive` (one .tar.gz per site) and `--diff` (compare with the previous bundle's manifest, write
 * nothing, exit 10 when something changed).
 */
import path from 'node:path';
import { DEVICES } from '../../devices/registry';
import { ExitCode, InputError, formatProblem } from '../../errors';
import { withAzureOptions } from '../azureOptions';
import { defineCommand, writeLine, type CliIO } from '../command';
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

export const bundleCommand = defineCommand<BundleArgs>({
  command: 'bundle',
  describe: 'Write the handoff bundle per site (device files, README, manifest, SHA256SUMS); --diff shows what would change',
  builder: (y) =>
    withWaitLock(withAzureOptions(y))
      .option('out', { type: 'string', default: 'out', describe: 'Output folder' })
      .option('site', { type: 'string', array: true, nargs: 1, describe: 'Only this site; repeat for several (--site a --site b)' })
      .option('device', { type: 'string', default: 'own', describe: "Each site's own device, 'all', or one device id" })
      .option('facts', { type: 'string', describe: 'Render from this facts file instead of reading Azure' })
      .option('redact', { type: 'boolean', default: false, describe: 'Key replaced by a placeholder; the key in <out>/<site>.key (0600)' })
      .option('archive', { type: 'boolean', default: false, describe: 'Also write <out>/<site>.tar.gz (the site folder as written)' })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite files edited by hand since the last render' })
      .option('diff', { type: 'boolean', default: false, describe: "Compare with the previous bundle's manifest; write nothing; exit 10 on changes" }) as never,
  run: async (args, io) => {
    const wiring = await import('../../rotation/wiring');
    const { isDeviceId } = await import('../../hub/deviceIds');
    if (args.device !== 'own' && args.device !== 'all' && !isDeviceId(args.device)) {
      throw new InputError('UnknownDevice', `--device ${args.device} is not a device tunnelsmith renders`, [], `use ${deviceChoices()}`);
    }
    const loaded = await wiring.loadHubFile(args.file ?? 'tunnelsmith.yaml', io.cwd);
    for (const w of loaded.warnings) writeLine(io.stderr, formatProblem(w));
    const hub = loaded.hub;
    // --diff writes nothing; every other run holds the hub's lock from reading the keys to the last file.
    const lock = args.diff ? undefined : await lockHub(args, io, { hubFile: loaded.file, resourceGroup: hub.azure.resourceGroup, vnet: hub.azure.vnet.name }, args.commandName ?? 'bundle');
    try {
      return await renderBundles(args, io, loaded);
    } finally {
      lock?.release();
    }
  },
});

/** `own, all, cisco-ios, ... or windows-rras`: every registered device. */
function deviceChoices(): string {
  const choices = ['own', 'all', ...Object.keys(DEVICES)];
  return `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}`;
}

async function renderBundles(args: BundleArgs & { json: boolean }, io: CliIO, loaded: import('../../rotation/wiring').LoadedHub): Promise<number> {
  const wiring = await import('../../rotation/wiring');
  const { planRender } = await import('../../render/plan');
  const { buildSiteBundle } = await import('../../bundle/build');
  const { TOOL_VERSION } = await import('../../version');
  const { readManifest, writeBundles } = await import('../../io/writeBundle');
  const { diffManifests, formatBundleDiff } = await import('../../bundle/diff');
  const hub = loaded.hub;
  let clientsPromise: ReturnType<typeof wiring.connectAzure> | undefined;
  const clients = () =>
    (clientsPromise ??= wiring.connectAzure(hub, args, io, loaded.baseDir));

  const sites = args.site ? [...new Set(args.site)] : undefined;
  const keys = await wiring.keysForBundle(loaded, args.facts ? path.resolve(io.cwd, args.facts) : undefined, clients, io.env, sites, (p) => writeLine(io.stderr, formatProblem(p)));
  const redact = args.redact;
  const plan = planRender({ hub, facts: keys.facts, device: args.device as never, ...(sites ? { site: sites } : {}), keys: keys.keys, keySources: keys.keySources, redact }, DEVICES);
  if (!plan.ok) throw new InputError('RenderRefused', 'nothing was written: some requested (site, device) pairs cannot be rendered', plan.problems, 'fix the listed fields, or choose another --device');
  const outDir = wiring.resolveOut(io.cwd, args.out);
  const bundles = plan.sites.map((s) => {
    const key = keys.keys[s.site];
    return { site: s.site, files: buildSiteBundle(s, { toolVersion: TOOL_VERSION, hubDigest: loaded.hubDigest, redacted: redact }), ...(redact && key !== undefined ? { separateKey: key } : {}) };
  });

  if (args.diff) {
    const diffs = [];
    for (const b of bundles) {
      const next = JSON.parse(b.files.find((f) => f.path === 'manifest.json')?.content ?? '{}');
      diffs.push(diffManifests(await readManifest(path.join(outDir, b.site)), next));
    }
    const changed = diffs.some((d) => d.changed);
    if (args.json) writeLine(io.stdout, JSON.stringify({ outDir, changed, sites: diffs }, null, 2));
    else for (const d of diffs) for (const line of formatBundleDiff(d)) writeLine(io.stdout, line);
    return changed ? ExitCode.changesPending : ExitCode.ok;
  }

  const report = await writeBundles(bundles, { outDir, force: args.force, archive: args.archive });
  if (args.json) {
    writeLine(io.stdout, JSON.stringify({ outDir, redacted: redact, sites: report }, null, 2));
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

