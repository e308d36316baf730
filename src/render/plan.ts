/**
 * Which (site, device) pairs a render covers, and their files, or every problem that prevents it.
 * Pure: nothing is written unless every requested pair renders.
 */
import { uniqueProblems, type Problem } from '../errors';
import type { AzureFacts } from '../facts/types';
import { checkSharedKey } from '../hub/sharedKey';
import type { Hub } from '../hub/types';
import { DEVICE_IDS, type DeviceId } from '../hub/deviceIds';
import type { DeviceDefinition, SiteContext } from '../devices/kit/contract';
import { buildSiteContext } from './context';
import { renderDeviceFiles, type RenderedFile } from './renderSite';

/** `own`: each site's own device; `all`: every registered device; or one device id for every site. */
export type DeviceSelection = 'own' | 'all' | DeviceId;

export interface RenderRequest {
  hub: Hub;
  facts: AzureFacts;
  device: DeviceSelection;
  /** Only this site, or these sites (by name); all sites when absent. */
  site?: string | readonly string[];
  /** The shared key per site name; a site without one can only be rendered redacted. */
  keys: Readonly<Record<string, string | undefined>>;
  /** Where each site's key came from, for messages (e.g. `environment variable HQ_PSK`). */
  keySources?: Readonly<Record<string, string | undefined>>;
  redact: boolean;
}

export interface DeviceRender {
  deviceId: DeviceId;
  files: RenderedFile[];
}

export interface SiteRenderPlan {
  site: string;
  /** The context of the first device rendered: the device-independent values the handoff sheet shows. */
  context: SiteContext;
  devices: DeviceRender[];
}

export type RenderPlan = { ok: true; sites: SiteRenderPlan[] } | { ok: false; problems: Problem[] };

function keyFix(source: string | undefined): string {
  const where = source ? `behind ${source}` : 'in use';
  return `put a key of 1..128 letters and digits ${where} (tunnelsmith rotate-key prepare generates one); nothing was written`;
}

export function selectedDevices(selection: DeviceSelection, own: DeviceId): DeviceId[] {
  if (selection === 'own') return [own];
  if (selection === 'all') return [...DEVICE_IDS];
  return [selection];
}

/** Renders every requested pair in memory; returns all problems together when any pair fails. */
export function planRender(req: RenderRequest, devices: Readonly<Record<DeviceId, DeviceDefinition>>): RenderPlan {
  const problems: Problem[] = [];
  const only = req.site === undefined ? undefined : typeof req.site === 'string' ? [req.site] : req.site;
  const sites = req.hub.sites.map((site, index) => ({ site, index })).filter(({ site }) => !only || only.includes(site.name));
  const unknown = (only ?? []).filter((name) => !req.hub.sites.some((s) => s.name === name));
  if (unknown.length > 0) {
    const known = req.hub.sites.map((s) => s.name).join(', ');
    return { ok: false, problems: uniqueProblems(unknown.map((name) => ({ path: '--site', severity: 'error', message: `no site named "${name}" in the hub file`, fix: `use one of: ${known}` }))) };
  }
  const plans: SiteRenderPlan[] = [];
  for (const { site, index } of sites) {
    const prefix = `sites[${index}]`;
    const key = req.redact ? undefined : req.keys[site.name];
    if (!req.redact && key === undefined) {
      problems.push({
        path: `${prefix}.sharedKey`,
        severity: 'error',
        message: `no shared key for site "${site.name}": the facts hold none and the site has no reference`,
        fix: 'read the facts with --include-secrets, add a sharedKey reference to the site, or render with --redact',
      });
      continue;
    }
    const renders: DeviceRender[] = [];
    let context: SiteContext | undefined;
    for (const deviceId of selectedDevices(req.device, site.device)) {
      const device = devices[deviceId];
      // Every key that reaches a file passes these first: in the device files, or the separate key file
      // of a redacted bundle that the engineer pastes into the device.
      const given = req.keys[site.name];
      const keyProblems = given === undefined ? [] : checkSharedKey(given, `${prefix}.sharedKey`, device);
      if (keyProblems.length > 0) {
        const source = req.keySources?.[site.name];
        problems.push(...keyProblems.map((p) => ({ ...p, message: `${deviceId}: ${p.message}${source ? ` (the key from ${source})` : ''}`, fix: keyFix(source) })));
        continue;
      }
      const built = buildSiteContext({ hub: req.hub, facts: req.facts, site, device, sharedKey: key });
      if (!built.ok) {
        problems.push(...built.problems);
        continue;
      }
      context ??= built.ctx;
      const rendered = renderDeviceFiles(built.ctx, device);
      if (!rendered.ok) {
        problems.push(...rendered.problems.map((p) => ({ ...p, path: `${prefix}.${p.path}`, message: `${deviceId}: ${p.message}` })));
        continue;
      }
      renders.push({ deviceId, files: rendered.files });
    }
    if (context) plans.push({ site: site.name, context, devices: renders });
  }
  if (problems.some((p) => p.severity === 'error')) return { ok: false, problems: uniqueProblems(problems) };
  return { ok: true, sites: plans };
}
