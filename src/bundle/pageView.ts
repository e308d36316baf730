/**
 * The view behind a site's handoff page (`index.html`): the README's data (`buildHandoffView`) plus the
 * device files' text, the steps split into prose and code, the topology laid out as inline SVG shapes,
 * and the page's Content-Security-Policy. Pure. Strings stay raw here and the template escapes each value
 * it prints (the engine runs with autoescape off), except the fields named `...Html`: rows the template
 * would only have joined, handed over as markup already escaped (pageMarkup.ts).
 */
import { createHash } from 'node:crypto';
import type { DeviceId } from '../hub/deviceIds';
import type { DeviceDefinition } from '../devices/kit/contract';
import type { DeviceProcedure } from '../devices/kit/procedure';
import { REDACTED_KEY_PLACEHOLDER } from '../render/context';
import type { SiteRenderPlan } from '../render/plan';
import { buildHandoffView, type HandoffView } from './handoffView';
import { fileMode, modeText, type BundleMeta } from './manifest';
import { parameterRowsHtml, policyWordsHtml, stepsHtml, topologyShapesHtml } from './pageMarkup';
import { buildTopologySvg } from './topologyLayout';

export interface PageFile {
  /** The element id of the file's `<code>`, which the copy button targets. */
  id: string;
  path: string;
  content: string;
  mode: string;
  lines: number;
  bytes: number;
  /** Carries the shared key (or its placeholder): folded in a closed `<details>` on the page. */
  holdsKey: boolean;
}

export interface PageDevice {
  id: string;
  name: string;
  targets: string;
  files: PageFile[];
  policyWords: string[];
  /** The policy words as `<li>` markup (pageMarkup.ts). */
  policyWordsHtml: string;
  /** Each part of the procedure as `<li>` markup (pageMarkup.ts). */
  stepsHtml: Record<keyof DeviceProcedure, string>;
}

/**
 * The page's only script: unhides the copy buttons and copies the target `<code>` text. It holds none of
 * the characters HTML escaping rewrites (`& < > " ' \`), so the template's `| escape` leaves it as is and
 * the CSP hash below matches what the browser sees.
 */
export const COPY_SCRIPT = [
  '(function () {',
  '  function say(button, label) {',
  '    button.textContent = label;',
  '    setTimeout(function () { button.textContent = `Copy`; }, 1600);',
  '  }',
  '  function selectOnly(button, target) {',
  '    var range = document.createRange();',
  '    range.selectNodeContents(target);',
  '    var selection = window.getSelection();',
  '    selection.removeAllRanges();',
  '    selection.addRange(range);',
  '    var ok = false;',
  '    try { ok = document.execCommand(`copy`); } catch (e) { ok = false; }',
  '    say(button, ok ? `Copied` : `Selected: press Ctrl+C`);',
  '  }',
  '  document.querySelectorAll(`button.copy`).forEach(function (button) {',
  '    var target = document.getElementById(button.dataset.copy);',
  '    if (!target) return;',
  '    button.hidden = false;',
  '    button.addEventListener(`click`, function () {',
  '      if (!navigator.clipboard) { selectOnly(button, target); return; }',
  '      navigator.clipboard.writeText(target.textContent).then(function () { say(button, `Copied`); }, function () { selectOnly(button, target); });',
  '    });',
  '  });',
  '})();',
].join('\n');

/**
 * Nothing may be fetched (default-src 'none'); the only script allowed is COPY_SCRIPT, by its hash, so
 * even a value that escaped escaping could not run; styles are the page's own inline ones.
 */
export function buildContentSecurityPolicy(script: string = COPY_SCRIPT): string {
  const hash = createHash('sha256').update(script, 'utf8').digest('base64');
  return ["default-src 'none'", "style-src 'unsafe-inline'", `script-src 'sha256-${hash}'`, "base-uri 'none'", "form-action 'none'"].join('; ');
}

/** The policy of every page: the script is fixed, so its hash is computed once. */
let pageCsp: string | undefined;

/**
 * Whether the page is written as a secret (0600): always when it holds the key (any unredacted page
 * shows it, folded), and like the device files it embeds when redacted (secret when one of them
 * carries the key's placeholder slot).
 */
export function pageHoldsSecret(plan: SiteRenderPlan, meta: BundleMeta): boolean {
  const redacted = meta.redacted || plan.context.keyRedacted;
  return !redacted || plan.devices.some((d) => d.files.some((f) => f.holdsSecret));
}

/** The markup of each procedure, kept while the (shared, unmodified) procedure lives: see handoffView.ts. */
const stepsHtmlByProcedure = new WeakMap<DeviceProcedure, Record<keyof DeviceProcedure, string>>();

function procedureHtml(procedure: DeviceProcedure): Record<keyof DeviceProcedure, string> {
  let html = stepsHtmlByProcedure.get(procedure);
  if (html === undefined) {
    html = { before: stepsHtml(procedure.before), apply: stepsHtml(procedure.apply), verify: stepsHtml(procedure.verify), rollback: stepsHtml(procedure.rollback) };
    stepsHtmlByProcedure.set(procedure, html);
  }
  return html;
}

/** Lines of a file as an editor counts them (a final newline ends the last line, it starts none). */
export function lineCount(content: string): number {
  if (content === '') return 0;
  let newlines = 0;
  for (let i = content.indexOf('\n'); i !== -1; i = content.indexOf('\n', i + 1)) newlines++;
  return content.endsWith('\n') ? newlines : newlines + 1;
}

/**
 * Everything the handoff page template prints. Reuses the README's view (pass it when already built);
 * adds what only the page shows.
 */
export function buildPageView(
  plan: SiteRenderPlan,
  meta: BundleMeta,
  devices: Readonly<Record<DeviceId, DeviceDefinition>>,
  handoff: HandoffView = buildHandoffView(plan, meta, devices),
): Record<string, unknown> {
  const ctx = plan.context;
  const redacted = meta.redacted || ctx.keyRedacted;
  let fileNumber = 0;
  const pageDevices: PageDevice[] = handoff.devices.map((d, i) => {
    const rendered = plan.devices[i]?.files ?? [];
    return {
      id: d.id,
      name: d.name,
      targets: d.targets,
      policyWords: d.policyWords,
      policyWordsHtml: policyWordsHtml(d.policyWords),
      stepsHtml: procedureHtml(d.procedure),
      files: rendered.map((f) => {
        fileNumber += 1;
        // A file that carries the key (or, defensively, contains it) is folded like the key itself.
        const holdsKey = f.holdsSecret || (!redacted && ctx.sharedKey.length > 0 && f.content.includes(ctx.sharedKey));
        return {
          id: `file-${fileNumber}`,
          path: `${d.id}/${f.path}`,
          content: f.content,
          mode: modeText(fileMode(f.holdsSecret, f.executable)),
          lines: lineCount(f.content),
          bytes: Buffer.byteLength(f.content, 'utf8'),
          holdsKey,
        };
      }),
    };
  });
  const topology = buildTopologySvg(ctx, pageDevices.map((d) => d.name));
  const title = `Site ${plan.site}: VPN to Azure${ctx.expressRouteBackup ? ' (backup path)' : ''}`;
  return {
    ...handoff,
    title,
    // The page shows the key in its own folded row instead of the README's sentence about it.
    rowsHtml: parameterRowsHtml(handoff.rows.filter((r) => r.name !== 'Shared key')),
    redacted,
    pageHoldsSecret: pageHoldsSecret(plan, meta),
    sharedKey: redacted ? '' : ctx.sharedKey,
    placeholder: REDACTED_KEY_PLACEHOLDER,
    devices: pageDevices,
    anyPolicyWords: pageDevices.some((d) => d.policyWords.length > 0),
    topology: { width: topology.width, height: topology.height, title: topology.title, shapesHtml: topologyShapesHtml(topology) },
    copyScript: COPY_SCRIPT,
    csp: (pageCsp ??= buildContentSecurityPolicy(COPY_SCRIPT)),
  };
}
