/**
 * The one render pipeline: facts and the key chosen for each site -> render plan -> site bundles ->
 * written (or compared with what is written). `render`, `bundle`, `deploy --out`, the demo and
 * rotate-key prepare/rollback differ only in where the facts and keys come from.
 */
import path from 'node:path';
import { buildSiteBundle } from '../bundle/build';
import { sha256 } from '../bundle/manifest';
import type { BundleDiff } from '../bundle/diff';
import { DEVICES } from '../devices/registry';
import { InputError, type Problem } from '../errors';
import type { AzureFacts } from '../facts/types';
import type { Hub } from '../hub/types';
import { writeBundles, type SiteBundle, type WrittenSite } from '../io/writeBundle';
import { planRender, type DeviceSelection } from '../render/plan';
import { TOOL_VERSION } from '../version';
import { azureKeys, keysForBundle, type BundleKeys } from './bundleKeys';
import type { HubSession } from './session';

/** Which bundles: the devices, the sites (all when absent), with or without the key in the site folder. */
export interface RenderChoice {
  device: DeviceSelection;
  sites?: string | readonly string[];
  redact: boolean;
}

/** Where and how they are written. */
export interface BundleOutput {
  outDir: string;
  /** Overwrite files edited by hand since the last render. */
  force: boolean;
  /** Also write `<out>/<site>.tar.gz`. */
  archive?: boolean;
}

/** `render` and `bundle`: the facts from this file (absolute), or read back from Azure when absent. */
export interface BundleRequest extends RenderChoice, BundleOutput {
  factsFile?: string;
}

/**
 * Every requested (site, device) pair rendered and bundled in memory, or an InputError (RenderRefused)
 * listing every problem: nothing is written unless every pair renders. Pure.
 */
export function planBundles(source: { hub: Hub; source: string }, facts: AzureFacts, keys: BundleKeys, choice: RenderChoice): SiteBundle[] {
  const plan = planRender(
    { hub: source.hub, facts, device: choice.device, ...(choice.sites !== undefined ? { site: choice.sites } : {}), keys: keys.keys, keySources: keys.keySources, redact: choice.redact },
    DEVICES,
  );
  if (!plan.ok) {
    throw new InputError('RenderRefused', 'nothing was written: some requested (site, device) pairs cannot be rendered', plan.problems, 'fix the listed fields, or choose another --device');
  }
  const meta = { toolVersion: TOOL_VERSION, hubDigest: sha256(source.source), redacted: choice.redact };
  return plan.sites.map((s) => {
    const key = keys.keys[s.site];
    return { site: s.site, files: buildSiteBundle(s, meta), ...(choice.redact && key !== undefined ? { separateKey: key } : {}) };
  });
}

function write(bundles: SiteBundle[], output: BundleOutput): Promise<WrittenSite[]> {
  return writeBundles(bundles, { outDir: output.outDir, force: output.force, ...(output.archive ? { archive: true } : {}) });
}

/** `render`, `bundle`: the facts and keys (bundleKeys.ts), then the bundles, written. */
export async function renderBundle(session: HubSession, request: BundleRequest, onWarning: (p: Problem) => void): Promise<WrittenSite[]> {
  const { facts, ...keys } = await keysForBundle(session, request.factsFile, sitesOf(request), onWarning);
  return write(planBundles(session, facts, keys, request), request);
}

/**
 * `bundle --diff`: the same bundles compared with what is under `outDir`: each site's previous manifest
 * and the files it lists as they are now (a file edited by hand counts); nothing is written.
 */
export async function diffBundle(session: HubSession, request: BundleRequest, onWarning: (p: Problem) => void): Promise<BundleDiff[]> {
  const { facts, ...keys } = await keysForBundle(session, request.factsFile, sitesOf(request), onWarning);
  const { readManifest } = await import('../io/writeBundle');
  const { readSiteFiles } = await import('../io/readSiteFiles');
  const { diffManifests } = await import('../bundle/diff');
  const diffs: BundleDiff[] = [];
  for (const b of planBundles(session, facts, keys, request)) {
    const next = JSON.parse(b.files.find((f) => f.path === 'manifest.json')?.content ?? '{}');
    const siteDir = path.join(request.outDir, b.site);
    const previous = await readManifest(siteDir);
    const onDisk = previous ? readSiteFiles(siteDir, previous.files.map((f) => f.path)) : undefined;
    diffs.push(diffManifests(previous, next, onDisk));
  }
  return diffs;
}

/** `deploy --out` and the demo: every site, with the facts and keys Azure holds now. */
export async function renderLiveBundle(session: HubSession, choice: Omit<RenderChoice, 'sites'>, output: BundleOutput): Promise<WrittenSite[]> {
  const { readBackFacts } = await import('../azure/readBack');
  const facts = await readBackFacts((await session.azure()).api, session.hub, { includeKeys: true });
  return write(planBundles(session, facts, azureKeys(facts), choice), output);
}

/** rotate-key prepare and rollback: one site's bundle, rendered with the key the journal holds for it. */
export async function renderSiteBundle(session: HubSession, facts: AzureFacts, site: string, key: string | undefined, target: Omit<RenderChoice, 'sites'> & BundleOutput): Promise<WrittenSite> {
  const keys = { keys: { [site]: key }, keySources: { [site]: 'the key journal' } };
  const written = (await write(planBundles(session, facts, keys, { ...target, sites: site }), target))[0];
  if (!written) throw new InputError('NothingRendered', `site ${site}: nothing was rendered`, [], 'check --site and --device');
  return written;
}

/** Every file written (device files, separate key files, archives), relative to `cwd`. */
export function writtenPaths(written: readonly WrittenSite[], cwd: string): string[] {
  const files: string[] = [];
  for (const w of written) {
    for (const f of w.files) files.push(path.relative(cwd, path.join(w.dir, f)) || f);
    if (w.keyFile) files.push(path.relative(cwd, w.keyFile));
    if (w.archive) files.push(path.relative(cwd, w.archive));
  }
  return files;
}

function sitesOf(request: RenderChoice): readonly string[] | undefined {
  return request.sites === undefined ? undefined : typeof request.sites === 'string' ? [request.sites] : request.sites;
}
