/**
 * The view behind a site's handoff page (`index.html`): the README's data (`buildHandoffView`) plus the
 * device files' text, the steps split into prose and code, the topology laid out as inline SVG shapes,
 * and the page's Content-Security-Policy. Pure. Every string stays raw here: the template escapes each
 * value it prints (the engine runs with autoescape off).
 */
import { createHash } from 'node:crypto';
import type { DeviceId } from '../hub/deviceIds';
import type { DeviceDefinition, SiteContext } from '../devices/kit/contract';
import type { DeviceProcedure } from '../devices/kit/procedure';
import { REDACTED_KEY_PLACEHOLDER } from '../render/context';
import type { SiteRenderPlan } from '../render/plan';
import { buildHandoffView } from './handoffView';
import { fileMode, type BundleMeta } from './manifest';

/** A run of step text: prose, or a command/path the README wrote between backticks. */
export interface TextSegment {
  text: string;
  code: boolean;
}

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
  procedure: Record<keyof DeviceProcedure, TextSegment[][]>;
}

export interface SvgRect {
  x: number;
  y: number;
  w: number;
  h: number;
  cls: string;
}

export interface SvgText {
  x: number;
  y: number;
  text: string;
  cls: string;
  anchor: 'start' | 'middle';
}

export interface SvgLine {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  cls: string;
  /** `data-*` attributes (names without the prefix) that say what the line stands for. */
  data: { name: string; value: string }[];
}

/** The topology as shapes: boxes, connecting lines (tunnels, ExpressRoute) and text, in SVG user units. */
export interface TopologySvg {
  width: number;
  height: number;
  title: string;
  rects: SvgRect[];
  lines: SvgLine[];
  texts: SvgText[];
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

/** Splits README-style text on backticks: `copy `a` to `b`` gives prose, code, prose, code. */
export function splitCode(text: string): TextSegment[] {
  return text
    .split('`')
    .map((part, i) => ({ text: part, code: i % 2 === 1 }))
    .filter((s) => s.text !== '');
}

/**
 * Whether the page is written as a secret (0600): always when it holds the key (any unredacted page
 * shows it, folded), and like the device files it embeds when redacted (secret when one of them
 * carries the key's placeholder slot).
 */
export function pageHoldsSecret(plan: SiteRenderPlan, meta: BundleMeta): boolean {
  const redacted = meta.redacted || plan.context.keyRedacted;
  return !redacted || plan.devices.some((d) => d.files.some((f) => f.holdsSecret));
}

/** Everything the handoff page template prints. Reuses the README's view; adds what only the page shows. */
export function buildPageView(plan: SiteRenderPlan, meta: BundleMeta, devices: Readonly<Record<DeviceId, DeviceDefinition>>): Record<string, unknown> {
  const handoff = buildHandoffView(plan, meta, devices);
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
      procedure: {
        before: d.procedure.before.map(splitCode),
        apply: d.procedure.apply.map(splitCode),
        verify: d.procedure.verify.map(splitCode),
        rollback: d.procedure.rollback.map(splitCode),
      },
      files: rendered.map((f) => {
        fileNumber += 1;
        // A file that carries the key (or, defensively, contains it) is folded like the key itself.
        const holdsKey = f.holdsSecret || (!redacted && ctx.sharedKey.length > 0 && f.content.includes(ctx.sharedKey));
        return {
          id: `file-${fileNumber}`,
          path: `${d.id}/${f.path}`,
          content: f.content,
          mode: `0${fileMode(f.holdsSecret, f.executable).toString(8)}`,
          lines: f.content === '' ? 0 : f.content.replace(/\n$/, '').split('\n').length,
          bytes: Buffer.byteLength(f.content, 'utf8'),
          holdsKey,
        };
      }),
    };
  });
  const title = `Site ${plan.site}: VPN to Azure${ctx.expressRouteBackup ? ' (backup path)' : ''}`;
  return {
    ...handoff,
    title,
    // The page shows the key in its own folded row instead of the README's sentence about it.
    rows: handoff.rows.filter((r) => r.name !== 'Shared key'),
    redacted,
    pageHoldsSecret: pageHoldsSecret(plan, meta),
    sharedKey: redacted ? '' : ctx.sharedKey,
    placeholder: REDACTED_KEY_PLACEHOLDER,
    devices: pageDevices,
    anyPolicyWords: pageDevices.some((d) => d.policyWords.length > 0),
    topology: buildTopologySvg(ctx, pageDevices.map((d) => d.name)),
    copyScript: COPY_SCRIPT,
    csp: buildContentSecurityPolicy(COPY_SCRIPT),
  };
}

// ---- topology layout -------------------------------------------------------------------------------

const WIDTH = 1040;
const MARGIN = 16;
const COLUMN = 368;
const LEFT = MARGIN;
const RIGHT = WIDTH - MARGIN - COLUMN;
/** Padding inside the two outer boxes (on-premises, Azure) and inside the boxes they hold. */
const OUTER_PAD = 14;
const INNER_PAD = 10;
const LINE = 18;
const ROW_GAP = 14;
const INSTANCE_GAP = 10;
/** What fits on one line of a box at the page's font sizes (DejaVu/system sans, about 8 px a glyph). */
const TITLE_CHARS = 36;
const TEXT_CHARS = 38;

type Line = { text: string; cls: 'title' | 'text' | 'strong' };

/** Breaks text into lines of at most `width` characters: at spaces, then after `/` or `-`, then anywhere. */
export function wrapText(text: string, width: number): string[] {
  // Each piece knows what joins it to the one before: a space between words, nothing inside a word.
  const pieces = text
    .split(' ')
    .filter((word) => word !== '')
    .flatMap((word) => splitLongWord(word, width).map((piece, i) => ({ piece, join: i === 0 ? ' ' : '' })));
  const lines: string[] = [];
  let current = '';
  for (const { piece, join } of pieces) {
    if (current === '') current = piece;
    else if ((current + join + piece).length > width) {
      lines.push(current);
      current = piece;
    } else current += join + piece;
  }
  if (current !== '') lines.push(current);
  return lines.length > 0 ? lines : [''];
}

const BREAK_AFTER = [/[^/]+\/?|\//g, /[^-]+-?|-/g];

function splitLongWord(word: string, width: number, level = 0): string[] {
  if (word.length <= width) return [word];
  const pattern = BREAK_AFTER[level];
  if (pattern === undefined) {
    const chunks: string[] = [];
    for (let i = 0; i < word.length; i += width) chunks.push(word.slice(i, i + width));
    return chunks;
  }
  const parts = word.match(pattern) ?? [word];
  return parts.flatMap((p) => splitLongWord(p, width, level + 1));
}

function titled(title: string, ...rest: (string | undefined)[]): Line[] {
  return [
    ...wrapText(title, TITLE_CHARS).map((text): Line => ({ text, cls: 'title' })),
    ...rest.filter((t): t is string => t !== undefined).flatMap((t) => wrapText(t, TEXT_CHARS).map((text): Line => ({ text, cls: 'text' }))),
  ];
}

function blockHeight(lines: Line[]): number {
  return 2 * INNER_PAD + lines.length * LINE;
}

/**
 * The site's topology as SVG shapes, in rows so that each path is a horizontal line: the appliance
 * facing the VPN gateway (one tunnel per Azure instance, dashed), the ExpressRoute edge facing the
 * ExpressRoute gateway (solid, labelled primary) when ExpressRoute carries the same prefixes, and the
 * on-premises prefixes facing the VNet's. Pure.
 */
export function buildTopologySvg(ctx: SiteContext, deviceNames: string[]): TopologySvg {
  const rects: SvgRect[] = [];
  const lines: SvgLine[] = [];
  const texts: SvgText[] = [];
  const er = ctx.expressRouteBackup;

  const put = (x: number, top: number, block: Line[], anchor: 'start' | 'middle' = 'start'): void => {
    block.forEach((l, i) => texts.push({ x, y: top + INNER_PAD + (i + 1) * LINE - 5, text: l.text, cls: l.cls, anchor }));
  };
  const innerX = (column: number) => column + OUTER_PAD;
  const innerW = COLUMN - 2 * OUTER_PAD;

  // Headers of the two outer boxes.
  const top = MARGIN;
  const onpremHead = titled(`On-premises site ${ctx.site.name}`, ctx.bgp ? `AS ${ctx.bgp.localAsn}` : 'static routing (no BGP)');
  const azureHead = titled(`Azure hub ${ctx.hubId}`, `region ${ctx.azure.location}`);
  put(innerX(LEFT), top, onpremHead);
  put(innerX(RIGHT), top, azureHead);
  let y = top + blockHeight(onpremHead.length > azureHead.length ? onpremHead : azureHead);

  // Row 1: the appliance and the VPN gateway with its instances; one tunnel per instance.
  const appliance: Line[] = [
    { text: deviceNames.length > 1 ? 'Appliance (one of)' : 'Appliance', cls: 'title' },
    ...deviceNames.flatMap((n) => wrapText(n, TEXT_CHARS).map((text): Line => ({ text, cls: 'text' }))),
    ...wrapText(`public IP ${ctx.site.publicIp}`, TEXT_CHARS).map((text): Line => ({ text, cls: 'strong' })),
    ...(ctx.outsideAddress ? wrapText(`behind NAT, outside ${ctx.outsideAddress}`, TEXT_CHARS).map((text): Line => ({ text, cls: 'text' })) : []),
    ...(ctx.bgp ? wrapText(`BGP ${ctx.bgp.localIp}${ctx.bgp.mode === 'apipa' ? ' (APIPA)' : ' (loopback)'}`, TEXT_CHARS).map((text): Line => ({ text, cls: 'text' })) : []),
  ];
  const gatewayHead = titled(`VPN gateway ${ctx.azure.vpnGatewayName}`, `AS ${ctx.azure.asn}${ctx.azure.activeActive ? ', active-active' : ''}`);
  const instances = ctx.tunnels.map((t) => [
    { text: `instance ${t.number}`, cls: 'title' } as Line,
    { text: `public IP ${t.azurePublicIp}`, cls: 'strong' } as Line,
    ...(t.azureBgpIp ? [{ text: `BGP ${t.azureBgpIp}`, cls: 'text' } as Line] : []),
  ]);
  const instanceHeights = instances.map(blockHeight);
  const gatewayHeight = blockHeight(gatewayHead) + instanceHeights.reduce((sum, h) => sum + h + INSTANCE_GAP, 0);
  const row1 = Math.max(blockHeight(appliance), gatewayHeight);
  rects.push({ x: innerX(LEFT), y, w: innerW, h: row1, cls: 'node appliance' });
  put(innerX(LEFT) + INNER_PAD, y + Math.floor((row1 - blockHeight(appliance)) / 2), appliance);
  rects.push({ x: innerX(RIGHT), y, w: innerW, h: row1, cls: 'node gateway' });
  put(innerX(RIGHT) + INNER_PAD, y, gatewayHead);
  const instanceX = innerX(RIGHT) + INNER_PAD;
  const middle = (LEFT + COLUMN + RIGHT) / 2;
  let instanceTop = y + blockHeight(gatewayHead) - INNER_PAD + INSTANCE_GAP / 2;
  ctx.tunnels.forEach((t, i) => {
    const h = instanceHeights[i] as number;
    rects.push({ x: instanceX, y: instanceTop, w: innerW - 2 * INNER_PAD, h, cls: 'instance' });
    put(instanceX + INNER_PAD, instanceTop, instances[i] as Line[]);
    const lineY = instanceTop + h / 2;
    lines.push({
      x1: innerX(LEFT) + innerW,
      y1: lineY,
      x2: instanceX,
      y2: lineY,
      cls: 'tunnel',
      data: [
        { name: 'path', value: 'vpn' },
        { name: 'tunnel', value: String(t.number) },
        { name: 'azure-ip', value: t.azurePublicIp },
      ],
    });
    texts.push({ x: middle, y: lineY - 8, text: `tunnel ${t.number} to ${t.azurePublicIp}`, cls: 'label', anchor: 'middle' });
    texts.push({ x: middle, y: lineY + 17, text: er ? 'IPsec IKEv2, backup path' : 'IPsec IKEv2', cls: 'label muted', anchor: 'middle' });
    instanceTop += h + INSTANCE_GAP;
  });
  y += row1 + ROW_GAP;

  // Row 2: ExpressRoute, the primary path, when it carries the same prefixes.
  if (er) {
    const edge = titled('ExpressRoute edge router', 'on-premises side of the circuit');
    const ergw = titled('ExpressRoute gateway', 'preferred by Azure for these prefixes');
    const h = Math.max(blockHeight(edge), blockHeight(ergw));
    rects.push({ x: innerX(LEFT), y, w: innerW, h, cls: 'node edge' });
    put(innerX(LEFT) + INNER_PAD, y, edge);
    rects.push({ x: innerX(RIGHT), y, w: innerW, h, cls: 'node ergw' });
    put(innerX(RIGHT) + INNER_PAD, y, ergw);
    const lineY = y + h / 2;
    lines.push({ x1: innerX(LEFT) + innerW, y1: lineY, x2: innerX(RIGHT), y2: lineY, cls: 'expressroute primary', data: [{ name: 'path', value: 'expressroute' }] });
    texts.push({ x: middle, y: lineY - 10, text: 'ExpressRoute circuit', cls: 'label', anchor: 'middle' });
    texts.push({ x: middle, y: lineY + 20, text: 'primary path', cls: 'label primary-label', anchor: 'middle' });
    y += h + ROW_GAP;
  }

  // Row 3: the prefixes on each side.
  const lan = titled('On-premises prefixes', ...ctx.site.addressSpace);
  const vnet = titled('VNet address space', ...ctx.azure.vnetPrefixes);
  const row3 = Math.max(blockHeight(lan), blockHeight(vnet));
  rects.push({ x: innerX(LEFT), y, w: innerW, h: row3, cls: 'node prefixes' });
  put(innerX(LEFT) + INNER_PAD, y, lan);
  rects.push({ x: innerX(RIGHT), y, w: innerW, h: row3, cls: 'node prefixes' });
  put(innerX(RIGHT) + INNER_PAD, y, vnet);
  y += row3 + OUTER_PAD;

  // The outer boxes go first so that everything else is drawn on top of them.
  rects.unshift({ x: LEFT, y: top, w: COLUMN, h: y - top, cls: 'zone onprem' }, { x: RIGHT, y: top, w: COLUMN, h: y - top, cls: 'zone azure' });
  const paths = `${ctx.tunnels.length} VPN tunnel${ctx.tunnels.length === 1 ? '' : 's'}${er ? ' (backup) and ExpressRoute (primary)' : ''}`;
  return {
    width: WIDTH,
    height: y + MARGIN,
    title: `Topology: on-premises site ${ctx.site.name} to Azure hub ${ctx.hubId} over ${paths}`,
    rects,
    lines,
    texts,
  };
}
