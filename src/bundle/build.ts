/**
 * The handoff bundle of one site, in memory: the device files, the handoff README, the handoff page
 * (`index.html`), the manifest and SHA256SUMS. Pure (hashing is deterministic); the writer puts it on disk.
 */
import type { DeviceId } from '../hub/deviceIds';
import type { DeviceDefinition } from '../devices/kit/contract';
import { DEVICES } from '../devices/registry';
import type { SiteRenderPlan } from '../render/plan';
import { templateEngine, type TemplateEngine } from '../render/engine';
import { buildHandoffView } from './handoffView';
import { fileMode, MANIFEST_VERSION, modeText, sha256, type BundleFile, type BundleMeta, type Manifest } from './manifest';
import { buildPageView, pageHoldsSecret } from './pageView';
import { compareCodeUnits } from '../util/compare';

/** Builds every file of a site's bundle; the manifest lists the others, SHA256SUMS lists them all. */
export function buildSiteBundle(
  plan: SiteRenderPlan,
  meta: BundleMeta,
  engine: TemplateEngine = templateEngine,
  devices: Readonly<Record<DeviceId, DeviceDefinition>> = DEVICES,
): BundleFile[] {
  const files: BundleFile[] = [];
  for (const d of plan.devices) {
    for (const f of d.files) {
      files.push({ path: `${d.deviceId}/${f.path}`, content: f.content, mode: fileMode(f.holdsSecret, f.executable), holdsSecret: f.holdsSecret });
    }
  }
  // One view for both: the page reuses the README's (the device procedures are the costly part).
  const handoff = buildHandoffView(plan, meta, devices);
  const readme = engine.render('handoff/README.md.njk', handoff);
  files.push({ path: 'README.md', content: readme, mode: 0o644, holdsSecret: false });
  const page = engine.render('handoff/index.html.njk', buildPageView(plan, meta, devices, handoff));
  const pageSecret = pageHoldsSecret(plan, meta);
  files.push({ path: 'index.html', content: page, mode: fileMode(pageSecret, false), holdsSecret: pageSecret });
  files.sort((a, b) => compareCodeUnits(a.path, b.path));
  // Each file is hashed once: the manifest and SHA256SUMS list the same digests.
  const digests = files.map((f) => sha256(f.content));
  const manifest: Manifest = {
    manifestVersion: MANIFEST_VERSION,
    tool: 'tunnelsmith',
    toolVersion: meta.toolVersion,
    hub: plan.context.hubId,
    hubDigest: meta.hubDigest,
    site: plan.site,
    devices: plan.devices.map((d) => d.deviceId),
    redacted: meta.redacted,
    files: files.map((f, i) => ({
      path: f.path,
      sha256: digests[i] as string,
      bytes: Buffer.byteLength(f.content, 'utf8'),
      mode: modeText(f.mode),
      secret: f.holdsSecret,
    })),
  };
  const manifestFile: BundleFile = { path: 'manifest.json', content: `${JSON.stringify(manifest, null, 2)}\n`, mode: 0o644, holdsSecret: false };
  const all = [...files, manifestFile];
  const allDigests = [...digests, sha256(manifestFile.content)];
  const sums = all.map((f, i) => `${allDigests[i]}  ${f.path}\n`).join('');
  return [...all, { path: 'SHA256SUMS', content: sums, mode: 0o644, holdsSecret: false }];
}
