/**
 * Live read-back for the commands that need Azure's facts now: `render` without `--facts` and
 * `deploy --out`. Keys are read through the shared-key operation and stay in memory.
 */
import path from 'node:path';
import { UsageError } from '../errors';
import type { AzureFacts } from '../facts/types';
import type { Hub } from '../hub/types';
import type { LoadedHub } from '../io/readHub';
import type { CliIO } from '../cli/command';
import type { AzureCliArgs, AzureInjection } from '../cli/azureOptions';
import { DEVICE_IDS } from '../hub/deviceIds';
import type { AzureApi } from './client/api';
import { readBackFacts } from './readBack';

/**
 * Reads the hub's facts (with each connection's shared key) from Azure, with the same endpoint and
 * credential options as every Azure command. Used by `render` when `--facts` is not given.
 */
export async function readFactsLive(hub: Hub, azureOptions: AzureCliArgs, io: CliIO, inject: AzureInjection = {}): Promise<AzureFacts> {
  const { connectAzure } = await import('../cli/azureOptions');
  const conn = await connectAzure(hub, azureOptions, io, io.cwd, inject);
  return readBackFacts(conn.api, hub, { includeKeys: true });
}

/** `own`, `all` or a device id; anything else is a usage error (checked before deploying). */
export function checkDeviceSelection(device: string): void {
  if (device !== 'own' && device !== 'all' && !(DEVICE_IDS as readonly string[]).includes(device)) {
    throw new UsageError('UnknownDevice', `unknown device ${device}`, `use own, all or one of ${DEVICE_IDS.join(', ')}`);
  }
}

export interface RenderLiveRequest {
  loaded: LoadedHub;
  api: AzureApi;
  outDir: string;
  device: string;
  redact: boolean;
  archive?: boolean;
  force: boolean;
  cwd: string;
}

/** Reads back and writes the bundle (`deploy --out`, the demo). Returns the written files, relative to cwd. */
export async function renderLive(req: RenderLiveRequest): Promise<string[]> {
  const device = req.device;
  checkDeviceSelection(device);
  const facts = await readBackFacts(req.api, req.loaded.hub, { includeKeys: true });
  const { renderAndWriteBundle } = await import('../io/writeBundle');
  const { sha256 } = await import('../bundle/manifest');
  const { keysFromFacts } = await import('./readBack');
  const outDir = path.resolve(req.cwd, req.outDir);
  const written = await renderAndWriteBundle({
    hub: req.loaded.hub,
    hubDigest: sha256(req.loaded.source),
    facts,
    keys: keysFromFacts(facts),
    keySources: Object.fromEntries(facts.sites.map((s) => [s.name, 'Azure'])),
    outDir,
    device: device as never,
    redact: req.redact,
    force: req.force,
    ...(req.archive ? { archive: true } : {}),
  });
  const files: string[] = [];
  for (const w of written) {
    for (const f of w.files) files.push(path.relative(req.cwd, path.join(w.dir, f)) || f);
    if (w.keyFile) files.push(path.relative(req.cwd, w.keyFile));
    if (w.archive) files.push(path.relative(req.cwd, w.archive));
  }
  return files;
}
