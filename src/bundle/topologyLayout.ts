/**
 * The handoff page's topology drawing laid out as inline SVG shapes (the README draws the same topology
 * in Mermaid: topologyDiagram.ts). Pure.
 */
import type { SiteContext } from '../devices/kit/contract';

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
  // Most labels fit as they are: one line, the same as the pieces below would give (single spaces only).
  if (text.length <= width && text !== '' && !text.startsWith(' ') && !text.endsWith(' ') && !text.includes('  ')) return [text];
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
