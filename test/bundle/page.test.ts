/**
 * The handoff page (`index.html`) without a browser: what the bundle holds, where the key may appear,
 * the topology shapes, and escaping of every value (the template engine runs with autoescape off).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nunjucks from 'nunjucks';
import { buildSiteBundle } from '../../src/bundle/build';
import { sha256, type Manifest } from '../../src/bundle/manifest';
import { parameterRowsHtml, policyWordsHtml, splitCode, stepsHtml, topologyShapesHtml } from '../../src/bundle/pageMarkup';
import { buildContentSecurityPolicy, COPY_SCRIPT } from '../../src/bundle/pageView';
import { buildTopologySvg, wrapText } from '../../src/bundle/topologyLayout';
import type { DeviceId } from '../../src/hub/deviceIds';
import type { DeviceDefinition, SiteContext } from '../../src/devices/kit/contract';
import { REDACTED_KEY_PLACEHOLDER } from '../../src/render/context';
import { ENGINE_OPTIONS, escapeHtml, TEMPLATE_ROOT, templateEngine } from '../../src/render/engine';
import type { SiteRenderPlan } from '../../src/render/plan';
import { FAKE_DEVICES, fakeDevice, KEY, siteContext, sitePlan } from './helpers/plan';

const META = { toolVersion: '9.9.9', hubDigest: 'd'.repeat(64), redacted: false };

type Files = ReturnType<typeof buildSiteBundle>;

function pageOf(files: Files): string {
  const page = files.find((f) => f.path === 'index.html');
  if (!page) throw new Error('no index.html in the bundle');
  return page.content;
}

/** Undoes nunjucks' escape filter. */
function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|#92);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#92': '\\' })[e] as string);
}

/** The `<details ...>` tag enclosing `index`, or undefined when the position is outside every details element. */
function enclosingDetails(html: string, index: number): string | undefined {
  const open = html.lastIndexOf('<details', index);
  if (open < 0) return undefined;
  const close = html.lastIndexOf('</details>', index);
  if (close > open) return undefined;
  return html.slice(open, html.indexOf('>', open) + 1);
}

function occurrences(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) found.push(i);
  return found;
}

function svgOf(page: string): string {
  const start = page.indexOf('<svg');
  return page.slice(start, page.indexOf('</svg>', start) + '</svg>'.length);
}

function attrs(tag: string): Record<string, string> {
  return Object.fromEntries([...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1] as string, unescapeHtml(m[2] as string)]));
}

describe('handoff page in the bundle', () => {
  const files = buildSiteBundle(sitePlan(), META, templateEngine, FAKE_DEVICES);
  const page = pageOf(files);

  it('is listed in the manifest and SHA256SUMS, and is 0600 because it embeds files that hold the key', () => {
    const manifest = JSON.parse(files.find((f) => f.path === 'manifest.json')?.content as string) as Manifest;
    expect(manifest.files.find((f) => f.path === 'index.html')).toEqual({ path: 'index.html', sha256: sha256(page), bytes: Buffer.byteLength(page), mode: '0600', secret: true });
    const sums = files.find((f) => f.path === 'SHA256SUMS')?.content as string;
    expect(sums).toContain(`${sha256(page)}  index.html\n`);
    expect(files.find((f) => f.path === 'index.html')?.mode).toBe(0o600);
  });

  it('is 0600 whenever it shows the key, and 0644 only when redacted with no file holding the key slot', () => {
    const frrOnly = (key: string): SiteRenderPlan => ({ ...sitePlan(key), devices: [{ deviceId: 'strongswan', files: [{ path: 'frr.conf', content: 'router bgp 65010\n', holdsSecret: false, executable: false }] }] });
    const shown = buildSiteBundle(frrOnly(KEY), META, templateEngine, FAKE_DEVICES).find((f) => f.path === 'index.html');
    expect(shown?.content).toContain(KEY);
    expect(shown).toMatchObject({ mode: 0o600, holdsSecret: true });
    const redacted = buildSiteBundle(frrOnly(REDACTED_KEY_PLACEHOLDER), { ...META, redacted: true }, templateEngine, FAKE_DEVICES).find((f) => f.path === 'index.html');
    expect(redacted).toMatchObject({ mode: 0o644, holdsSecret: false });
    const redactedWithSlot = buildSiteBundle(sitePlan(REDACTED_KEY_PLACEHOLDER), { ...META, redacted: true }, templateEngine, FAKE_DEVICES).find((f) => f.path === 'index.html');
    expect(redactedWithSlot).toMatchObject({ mode: 0o600, holdsSecret: true });
  });

  it('starts as an HTML5 document that fetches nothing: a CSP without sources, no src, no external href', () => {
    expect(page.startsWith('<!DOCTYPE html>\n')).toBe(true);
    const csp = unescapeHtml(page.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/)?.[1] ?? '');
    expect(csp).toContain("default-src 'none'");
    expect(page).not.toMatch(/\s(src|srcset|xlink:href)=/);
    for (const m of page.matchAll(/\shref="([^"]*)"/g)) expect(m[1]).toMatch(/^#/);
    expect(page).not.toMatch(/url\(|@import|<link\b|<img\b|<iframe\b/);
  });

  it('holds exactly one script, the copy script, and the CSP allows exactly its hash', () => {
    expect(occurrences(page, '<script').length).toBe(1);
    const script = page.slice(page.indexOf('<script>') + '<script>'.length, page.indexOf('</script>'));
    expect(script).toBe(COPY_SCRIPT);
    const hash = createHash('sha256').update(script).digest('base64');
    const csp = unescapeHtml(page.match(/content="(default-src[^"]*)"/)?.[1] ?? '');
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(buildContentSecurityPolicy('other')).not.toContain(hash);
    // Escaping must leave the script as it is, or the hash would not match what the browser runs.
    expect(COPY_SCRIPT).not.toMatch(/[&<>"'\\]/);
  });

  it('shows each device file in a <pre><code> whose text is the file, with a copy button for it', () => {
    for (const d of sitePlan().devices) {
      for (const f of d.files) {
        const at = page.indexOf(`<summary><code>${d.deviceId}/${f.path}</code>`);
        expect(at).toBeGreaterThan(0);
        const code = page.slice(at).match(/<pre><code id="(file-\d+)">([\s\S]*?)<\/code><\/pre>/);
        expect(code).not.toBeNull();
        expect(unescapeHtml(code?.[2] as string)).toBe(f.content);
        expect(page).toContain(`<button type="button" class="copy" data-copy="${code?.[1]}" hidden>Copy</button>`);
      }
    }
  });

  it('folds the key and every file holding it in closed <details>; other files stay open', () => {
    const spots = occurrences(page, KEY);
    // The key row, cisco-ios/azure-vpn.cfg and strongswan/swanctl.conf.
    expect(spots.length).toBe(3);
    for (const at of spots) {
      const details = enclosingDetails(page, at);
      expect(details).toBeDefined();
      expect(details).toMatch(/class="(secret|file secret)"/);
      expect(details).not.toMatch(/\sopen\b/);
    }
    const setup = page.indexOf('tunnel-setup.sh</code></summary>');
    expect(enclosingDetails(page, setup)).toBe('<details class="file" open>');
    expect(page).toContain('Hidden: open to show the shared key');
  });

  it('folds a file that is not flagged secret but contains the key anyway', () => {
    const plan = sitePlan();
    plan.devices[1]?.files.push({ path: 'notes.txt', content: `key is ${KEY}\n`, holdsSecret: false, executable: false });
    const text = pageOf(buildSiteBundle(plan, META, templateEngine, FAKE_DEVICES));
    const at = text.indexOf('key is ');
    expect(enclosingDetails(text, at)).toBe('<details class="file secret">');
  });

  it('a redacted page holds no key, only the placeholder and how to replace it', () => {
    const redacted = pageOf(buildSiteBundle(sitePlan(REDACTED_KEY_PLACEHOLDER), { ...META, redacted: true }, templateEngine, FAKE_DEVICES));
    expect(redacted).not.toContain(KEY);
    expect(redacted).not.toContain('Hidden: open to show the shared key');
    expect(redacted).toContain(`Replace the placeholder <code>${REDACTED_KEY_PLACEHOLDER}</code>`);
    // The key of the plan the unredacted page was built from is nowhere, not even in the files.
    expect(redacted).toContain(`pre-shared-key ${REDACTED_KEY_PLACEHOLDER}`);
  });

  it('has the parameter table, the per-device steps with code, and the failover test', () => {
    for (const row of ['Azure instance 1 public IP</td><td>203.0.113.4', 'Azure instance 2 BGP address</td><td>10.200.255.253', 'Azure ASN</td><td>65515', 'On-premises prefixes</td><td>192.168.0.0/16']) {
      expect(page).toContain(row);
    }
    expect(page).not.toContain('inside the files marked secret');
    expect(page).toContain('<li><code>configure replace flash:pre-tunnelsmith.cfg</code> restores the saved configuration');
    expect(page).toContain('<li><code>swanctl --list-sas</code> shows one IKE SA per Azure instance');
    expect(page).toContain('Copy <code>strongswan/swanctl.conf</code> to <code>/etc/swanctl/conf.d/azure.conf</code>');
    expect(page).toContain('<section id="failover">');
    expect(page).toContain('configure both tunnels');
  });

  it('shows the policy in the device own words when the device provides them', () => {
    const devices = { ...FAKE_DEVICES, 'cisco-ios': fakeDevice('cisco-ios', { policyWords: () => ['encryption aes-cbc-256 <&>'] }) };
    const text = pageOf(buildSiteBundle(sitePlan(), META, templateEngine, devices));
    expect(text).toContain('<h3>The policy in Fake cisco-ios terms</h3>');
    expect(text).toContain('<li><code>encryption aes-cbc-256 &lt;&amp;&gt;</code></li>');
  });
});

describe('topology SVG', () => {
  const page = pageOf(buildSiteBundle(sitePlan(), META, templateEngine, FAKE_DEVICES));
  const svg = svgOf(page);

  it('draws one dashed tunnel per Azure instance, ending at that instance, labelled with its public IP', () => {
    const tunnels = [...svg.matchAll(/<line class="tunnel"[^>]*>/g)].map((m) => attrs(m[0]));
    expect(tunnels.map((t) => t['data-azure-ip'])).toEqual(siteContext().tunnels.map((t) => t.azurePublicIp));
    const instances = [...svg.matchAll(/<rect class="instance"[^>]*>/g)].map((m) => attrs(m[0]));
    tunnels.forEach((t, i) => {
      const box = instances[i] as Record<string, string>;
      expect(Number(t.x2)).toBe(Number(box.x));
      expect(Number(t.y1)).toBeGreaterThan(Number(box.y));
      expect(Number(t.y1)).toBeLessThan(Number(box.y) + Number(box.height));
      expect(t.y1).toBe(t.y2);
    });
    expect(svg).toContain('>tunnel 2 to 203.0.113.5</text>');
    expect(svg).toContain('>BGP 10.200.255.253</text>');
  });

  it('draws ExpressRoute as the primary path, with the prefixes and ASNs of both sides', () => {
    expect(svg.match(/<line class="expressroute primary"[^>]*data-path="expressroute"/g)?.length).toBe(1);
    expect(svg).toContain('>primary path</text>');
    for (const text of ['>AS 65010</text>', '>AS 65515, active-active</text>', '>192.168.0.0/16</text>', '>10.200.0.0/16</text>', '>public IP 40.50.60.70</text>']) {
      expect(svg).toContain(text);
    }
  });

  it('has no ExpressRoute without it, and one tunnel for a single instance', () => {
    const ctx = siteContext({ expressRouteBackup: false, tunnels: [{ index: 0, number: 1, azurePublicIp: '203.0.113.9' }] });
    delete (ctx as { bgp?: unknown }).bgp;
    const shapes = buildTopologySvg(ctx, ['Fake']);
    expect(shapes.lines.map((l) => l.cls)).toEqual(['tunnel']);
    expect(shapes.texts.map((t) => t.text).join('\n')).not.toMatch(/ExpressRoute/);
    expect(shapes.texts.map((t) => t.text)).toContain('static routing (no BGP)');
  });

  it('keeps every shape inside the drawing and every text inside a box wide enough for it', () => {
    const long = siteContext({ hubId: `rg-${'x'.repeat(70)}/vnet-${'y'.repeat(60)}`, azure: { ...siteContext().azure, vpnGatewayName: 'vgw-'.repeat(20) } });
    for (const ctx of [siteContext(), long]) {
      const s = buildTopologySvg(ctx, ['Cisco IOS-XE', 'Juniper SRX (Junos)', 'strongSwan + FRR', 'Windows Server RRAS']);
      for (const r of s.rects) {
        expect(r.x).toBeGreaterThanOrEqual(0);
        expect(r.x + r.w).toBeLessThanOrEqual(s.width);
        expect(r.y + r.h).toBeLessThanOrEqual(s.height);
      }
      for (const t of s.texts.filter((x) => x.anchor === 'start')) {
        const boxes = s.rects.filter((r) => t.x > r.x && t.x < r.x + r.w && t.y > r.y && t.y < r.y + r.h);
        const narrowest = Math.min(...boxes.map((r) => r.x + r.w - t.x));
        // About 8.5 user units per glyph at 13-14 px.
        expect(t.text.length * 8.5).toBeLessThanOrEqual(narrowest);
      }
    }
  });
});

describe('escaping', () => {
  const PAYLOAD = `"'><script>alert(1)</script><img src=x onerror=alert(2)>&\\`;
  const ESCAPED = '&quot;&#39;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&amp;&#92;';

  /** A context and plan with the payload in every string a page shows. */
  function hostilePlan(): { plan: SiteRenderPlan; devices: Record<DeviceId, DeviceDefinition> } {
    const base = siteContext();
    const ctx: SiteContext = {
      ...base,
      hubId: `rg${PAYLOAD}`,
      site: { ...base.site, name: `hq${PAYLOAD}`, publicIp: `40.50.60.70${PAYLOAD}`, addressSpace: [`192.168.0.0/16${PAYLOAD}`] },
      azure: { ...base.azure, location: `loc${PAYLOAD}`, vpnGatewayName: `vgw${PAYLOAD}`, connectionName: `cn${PAYLOAD}`, vnetPrefixes: [`10.0.0.0/16${PAYLOAD}`] },
      tunnels: base.tunnels.map((t) => ({ ...t, azurePublicIp: `${t.azurePublicIp}${PAYLOAD}`, azureBgpIp: `${t.azureBgpIp}${PAYLOAD}` })),
      bgp: { ...(base.bgp as NonNullable<SiteContext['bgp']>), localIp: `192.168.255.1${PAYLOAD}` },
      outsideAddress: `10.0.0.5${PAYLOAD}`,
      sharedKey: `key${PAYLOAD}`,
    };
    const plan: SiteRenderPlan = {
      site: `hq${PAYLOAD}`,
      context: ctx,
      devices: [
        { deviceId: 'cisco-ios', files: [{ path: `azure${PAYLOAD}.cfg`, content: `pre-shared-key key${PAYLOAD}\n`, holdsSecret: true, executable: false }] },
        { deviceId: 'strongswan', files: [{ path: `setup${PAYLOAD}.sh`, content: `echo ${PAYLOAD}\n`, holdsSecret: false, executable: true }] },
      ],
    };
    const hostile = (id: DeviceId) => fakeDevice(id, { displayName: `Dev${PAYLOAD}`, targets: `OS${PAYLOAD}`, policyWords: () => [`word${PAYLOAD}`] });
    const devices = { ...FAKE_DEVICES, 'cisco-ios': hostile('cisco-ios'), strongswan: hostile('strongswan') };
    return { plan, devices };
  }

  for (const redacted of [false, true]) {
    it(`never lets a value reach the page unescaped${redacted ? ' (redacted)' : ''}`, () => {
      const { plan, devices } = hostilePlan();
      const page = pageOf(buildSiteBundle(plan, { ...META, toolVersion: `9${PAYLOAD}`, redacted }, templateEngine, devices));
      expect(page).not.toContain('<script>alert');
      expect(page).not.toContain('<img');
      expect(page).not.toContain("'>");
      expect(occurrences(page, '<script').length).toBe(1);
      // The payload did reach the page, escaped, in many places (values, attributes, files, SVG text).
      expect(occurrences(page, ESCAPED).length).toBeGreaterThan(20);
      expect(svgOf(page)).toContain(`data-azure-ip="203.0.113.4${ESCAPED}"`);
      // Every tag still parses as ours: no attribute value was closed early by a quote.
      for (const tag of page.match(/<[a-z][^>]*>/g) ?? []) expect(tag.slice(1).replace(/="[^"]*"/g, '=""')).not.toMatch(/onerror|['<\\]/);
    });
  }

  it('every value the template prints goes through | escape (macros and the view\'s escaped ...Html markup excepted)', () => {
    const template = readFileSync(path.join(TEMPLATE_ROOT, 'handoff', 'index.html.njk'), 'utf8');
    const macros = [...template.matchAll(/{%-?\s*macro\s+(\w+)/g)].map((m) => m[1] as string);
    expect(macros.length).toBeGreaterThan(0);
    const outputs = [...template.matchAll(/{{-?([\s\S]*?)-?}}/g)].map((m) => (m[1] as string).trim());
    expect(outputs.length).toBeGreaterThan(40);
    const markup = outputs.filter((o) => /^[\w.]+Html(\.\w+)?$/.test(o));
    expect(markup.sort()).toEqual(['d.policyWordsHtml', 'd.stepsHtml.apply', 'd.stepsHtml.before', 'd.stepsHtml.rollback', 'd.stepsHtml.verify', 'rowsHtml', 'topology.shapesHtml']);
    const unescaped = outputs.filter((o) => !/\|\s*escape$/.test(o) && !macros.some((name) => o.startsWith(`${name}(`)) && !markup.includes(o));
    expect(unescaped).toEqual([]);
  });
});

describe('page markup built by the view', () => {
  const NASTY = `a&b<c>d"e'f\\g`;
  const ESCAPED_NASTY = 'a&amp;b&lt;c&gt;d&quot;e&#39;f&#92;g';

  it('escapes exactly as the template\'s | escape does', () => {
    expect(new nunjucks.Environment(null, { ...ENGINE_OPTIONS }).renderString('{{ v | escape }}', { v: NASTY })).toBe(ESCAPED_NASTY);
    expect(escapeHtml(NASTY)).toBe(ESCAPED_NASTY);
  });

  it('draws each shape as one element with every attribute escaped', () => {
    const html = topologyShapesHtml({
      width: 100,
      height: 50,
      title: 'unused here',
      rects: [{ x: 1, y: 2, w: 3, h: 4.5, cls: `node ${NASTY}` }],
      lines: [{ x1: 1, y1: 2, x2: 3, y2: 4, cls: 'tunnel', data: [{ name: 'path', value: 'vpn' }, { name: 'azure-ip', value: NASTY }] }],
      texts: [{ x: 5, y: 6, text: NASTY, cls: 'label', anchor: 'middle' }],
    });
    expect(html.split('\n')).toEqual([
      `<rect class="node ${ESCAPED_NASTY}" x="1" y="2" width="3" height="4.5"/>`,
      `<line class="tunnel" x1="1" y1="2" x2="3" y2="4" data-path="vpn" data-azure-ip="${ESCAPED_NASTY}"/>`,
      `<text class="label" x="5" y="6" text-anchor="middle">${ESCAPED_NASTY}</text>`,
    ]);
  });

  it('gives one table row per parameter, name and value escaped', () => {
    expect(parameterRowsHtml([{ name: 'A', value: '1' }, { name: NASTY, value: NASTY }]).split('\n')).toEqual([
      '<tr><td class="name">A</td><td>1</td></tr>',
      `<tr><td class="name">${ESCAPED_NASTY}</td><td>${ESCAPED_NASTY}</td></tr>`,
    ]);
  });

  it('gives one <li><code> a line per policy word, escaped', () => {
    expect(policyWordsHtml(['set pfs group20', NASTY]).split('\n')).toEqual(['<li><code>set pfs group20</code></li>', `<li><code>${ESCAPED_NASTY}</code></li>`]);
  });

  it('gives one <li> a line per step, the backticked parts as <code>, all escaped', () => {
    expect(stepsHtml(['Copy `a.cfg` to `flash:`, then save.', `run \`${NASTY}\` <now>`])).toBe(
      '<li>Copy <code>a.cfg</code> to <code>flash:</code>, then save.</li>\n' + `<li>run <code>${ESCAPED_NASTY}</code> &lt;now&gt;</li>\n`,
    );
    expect(stepsHtml([])).toBe('');
  });
});

describe('page view helpers', () => {
  it('splits step text into prose and code at backticks', () => {
    expect(splitCode('Copy `a.cfg` to `flash:`, then save.')).toEqual([
      { text: 'Copy ', code: false },
      { text: 'a.cfg', code: true },
      { text: ' to ', code: false },
      { text: 'flash:', code: true },
      { text: ', then save.', code: false },
    ]);
    expect(splitCode('`show ip bgp summary` shows peers')[0]).toEqual({ text: 'show ip bgp summary', code: true });
  });

  it('wraps text at spaces, then after / or -, and never exceeds the width', () => {
    expect(wrapText('Azure hub contoso-hub-rg/contoso-hub-vnet', 24)).toEqual(['Azure hub', 'contoso-hub-rg/', 'contoso-hub-vnet']);
    const long = `${'a'.repeat(50)} b`;
    const lines = wrapText(long, 20);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(20);
    expect(lines.join('').replace(/ /g, '')).toBe(long.replace(/ /g, ''));
    expect(wrapText('short', 20)).toEqual(['short']);
    // Short text with stray spaces is still split into words and joined by one space.
    expect(wrapText('  a  b ', 20)).toEqual(['a b']);
    expect(wrapText(' ', 20)).toEqual(['']);
    expect(wrapText('', 20)).toEqual(['']);
  });
});
