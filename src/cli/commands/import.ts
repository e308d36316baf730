/**
 * `tunnelsmith import --resource-group RG [--device ID] [--vnet NAME] [--out FILE] [--force]`: writes a
 * hub file from what a resource group already holds, so a hand-built setup can be managed here.
 * Reads only; the file deploys with no write when Azure still matches it.
 */
import path from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode, formatProblem, UsageError } from '../../errors';
import { defineCommand, writeLine, type CliIO, type GlobalArgs } from '../command';
import { AUTHENTICATION, azureConnectOptions, type AzureCliArgs, type AzureInjection } from '../azureOptions';
import { writeJsonLine } from '../output';
import { lockHub, withWaitLock, type WaitLockArgs } from '../lockOption';

export interface ImportArgs extends Omit<AzureCliArgs, 'file'>, WaitLockArgs {
  'resource-group': string;
  device?: string;
  vnet?: string;
  subscription?: string;
  out: string;
  force: boolean;
}

export const importCommand = defineCommand<ImportArgs>({
  command: 'import',
  describe: 'Write a hub file from an existing resource group (VNet, gateways, local network gateways, connections, policies)',
  builder: (y) =>
    withWaitLock(y)
      .option('resource-group', { type: 'string', alias: 'g', demandOption: true, describe: 'The resource group to read' })
      .option('device', { type: 'string', describe: "Every site's device (cisco-ios, juniper-srx, strongswan, windows-rras); default: a placeholder to fill in" })
      .option('vnet', { type: 'string', describe: 'The hub VNet, when the group holds several' })
      .option('subscription', { type: 'string', describe: 'Subscription id (default AZURE_SUBSCRIPTION_ID)' })
      .option('out', { type: 'string', alias: 'o', default: 'tunnelsmith.yaml', describe: 'Where to write the hub file' })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite an existing file' })
      .option('cloud', { type: 'string', describe: 'AzureCloud | AzureUSGovernment | AzureChinaCloud (env TUNNELSMITH_CLOUD)' })
      .option('arm-endpoint', { type: 'string', describe: 'ARM endpoint URL, e.g. the emulator (env TUNNELSMITH_ARM_ENDPOINT)' })
      .option('ca-file', { type: 'string', describe: 'PEM file of an extra CA to trust (env TUNNELSMITH_CA_FILE)' })
      .example('$0 import -g network-rg', 'Write tunnelsmith.yaml from what network-rg holds (reads only)')
      .example('$0 import -g network-rg --device juniper-srx --out hub.yaml', 'Every site as a Juniper SRX, into hub.yaml')
      .epilogue(AUTHENTICATION) as unknown as Argv<ImportArgs & GlobalArgs>,
  run: (args, io) => runImport(args, io),
});

export async function runImport(args: ImportArgs & GlobalArgs, io: CliIO, inject: AzureInjection = {}): Promise<number> {
  const { parseDeviceId } = await import('../../app/deviceSelection');
  if (args.device !== undefined) parseDeviceId(args.device);
  const { GUID } = await import('../../hub/patterns');
  if (args.subscription !== undefined && !GUID.test(args.subscription)) {
    throw new UsageError('BadSubscription', `--subscription ${args.subscription} is not a subscription id (a GUID)`, 'copy it from `az account show --query id -o tsv`');
  }
  const { promises: fs } = await import('node:fs');
  const out = path.resolve(io.cwd, args.out);
  const refuseExisting = async () => {
    if (!args.force && (await fs.lstat(out).then(() => true, () => false))) {
      throw new UsageError('FileExists', `${args.out} exists; import does not overwrite a hub file`, 'choose another --out, or pass --force');
    }
  };
  await refuseExisting();

  // The lock of the hub being written (beside the new hub file): taken at once when --vnet names it,
  // else as soon as the read has found it; the file is checked again under the lock.
  const rg = args['resource-group'];
  let lock = args.vnet ? await lockHub(args, io, { hubFile: out, resourceGroup: rg, vnet: args.vnet }, 'import') : undefined;
  try {
    return await importLocked(args, io, inject, out, refuseExisting, (vnet) => lockHub(args, io, { hubFile: out, resourceGroup: rg, vnet }, 'import').then((l) => void (lock = l)), lock !== undefined);
  } finally {
    lock?.release();
  }
}

async function importLocked(
  args: ImportArgs & GlobalArgs,
  io: CliIO,
  inject: AzureInjection,
  out: string,
  refuseExisting: () => Promise<void>,
  takeLock: (vnet: string) => Promise<void>,
  locked: boolean,
): Promise<number> {
  const { connectAzure } = await import('../../app/connectAzure');
  const { readImportSnapshot } = await import('../../azure/importRead');
  const { buildImportedHub, renderImportedHub } = await import('../../azure/importHub');
  const conn = await connectAzure(args.subscription, azureConnectOptions(args, inject), io);
  const snapshot = await readImportSnapshot(conn.api, args['resource-group']);
  const result = buildImportedHub(snapshot, { ...(args.device ? { device: args.device } : {}), ...(args.vnet ? { vnet: args.vnet } : {}) });
  const text = renderImportedHub(result);

  if (!locked) await takeLock(result.hub.azure.vnet.name);
  await refuseExisting();
  const { writeFileAtomic } = await import('../../io/atomicWrite');
  const { promises: fs } = await import('node:fs');
  // The folder is the user's: created when missing, never re-moded.
  await fs.mkdir(path.dirname(out), { recursive: true, mode: 0o755 });
  await writeFileAtomic(out, text, { mode: 0o644 });

  const shown = path.relative(io.cwd, out) || out;
  if (args.json) {
    writeJsonLine(io, 'imported', { file: shown, resourceGroup: snapshot.resourceGroup, sites: result.hub.sites.map((s) => s.name), placeholders: result.placeholders, unknownPrefixes: result.unknownPrefixes, notes: result.notes });
  } else {
    const h = result.hub;
    writeLine(io.stdout, `Wrote ${shown} from resource group ${snapshot.resourceGroup}: VNet ${h.azure.vnet.name}, VPN gateway ${h.azure.vpnGateway.name}${h.azure.expressRoute ? `, ExpressRoute gateway ${h.azure.expressRoute.gatewayName}` : ''}, ${h.sites.length} site(s)${h.sites.length ? ` (${h.sites.map((s) => s.name).join(', ')})` : ''}.`);
    for (const n of result.notes) writeLine(io.stderr, formatProblem(n));
    if (result.placeholders > 0) {
      const { IMPORT_DEVICE_PLACEHOLDER } = await import('../../hub/defaults');
      writeLine(io.stdout, `Next: write each site's device in ${shown} (or import again with --device ID); validate refuses the placeholder ${IMPORT_DEVICE_PLACEHOLDER} until then.`);
    }
    if (result.unknownPrefixes > 0) {
      writeLine(io.stdout, `Next: write the prefixes of each BGP site with an empty addressSpace in ${shown} (Azure learns them over BGP, so its configuration does not list them); validate refuses the file until then.`);
    }
    writeLine(io.stdout, `Then: tunnelsmith validate --file ${shown}; tunnelsmith deploy --file ${shown} --plan shows what deploy would change (nothing, when Azure matches).`);
  }
  return ExitCode.ok;
}
