/** Renders one (site, device) pair to file contents. Pure apart from reading templates. */
import type { Problem } from '../errors';
import type { DeviceDefinition, SiteContext } from '../devices/kit/contract';
import { templateEngine, type TemplateEngine } from './engine';

export interface RenderedFile {
  /** Relative to `<out>/<site>/<device>/`. */
  path: string;
  content: string;
  holdsSecret: boolean;
  executable: boolean;
}

export type SiteRender = { ok: true; files: RenderedFile[] } | { ok: false; problems: Problem[] };

/** Checks what the device cannot express, then renders every file. Problem paths are relative to the site. */
export function renderDeviceFiles(ctx: SiteContext, device: DeviceDefinition, engine: TemplateEngine = templateEngine): SiteRender {
  const problems = [...device.checkProposals(ctx.proposals), ...device.checkSite(ctx)];
  if (!ctx.keyRedacted) {
    const bad = device.unsafeKeyChars.filter((c) => ctx.sharedKey.includes(c));
    if (bad.length > 0) {
      problems.push({
        path: 'sharedKey',
        severity: 'error',
        message: `the shared key contains ${bad.map((c) => JSON.stringify(c)).join(', ')}, which ${device.displayName} cannot carry safely`,
        fix: 'rotate to a key of letters and digits (tunnelsmith rotate-key prepare)',
      });
    }
  }
  if (problems.some((p) => p.severity === 'error')) return { ok: false, problems };
  const view = device.buildView(ctx);
  const files = device.files(ctx).map((f) => ({
    path: f.output,
    content: engine.render(`${device.id}/${f.template}`, view),
    holdsSecret: f.holdsSecret,
    executable: f.executable ?? false,
  }));
  return { ok: true, files };
}
