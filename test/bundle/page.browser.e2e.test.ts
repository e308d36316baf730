/**
 * The handoff page in a real browser: Debian's headless Chromium opens `index.html` from a bundle the
 * real writer put on disk, with scripts on and off, in a network namespace of its own when the machine
 * allows one (and with every host name unresolvable in any case). Checks the content after scripts ran,
 * the diagram against the fixture's facts, the folded key, that the page requested nothing, and keeps
 * a screenshot in `test-artifacts/handoff-<case>.png`. Without Chromium it FAILS naming the install
 * command, unless TUNNELSMITH_SKIP_BROWSER=1 skips it (reported as skipped).
 */
import { spawn, spawnSync } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSiteBundle } from '../../src/bundle/build';
import type { Manifest } from '../../src/bundle/manifest';
import { writeBundles } from '../../src/io/writeBundle';
import { REDACTED_KEY_PLACEHOLDER } from '../../src/render/context';
import { TOOL_VERSION } from '../../src/version';
import { discoverCases, planCase, type GoldenCase } from '../golden/cases';
import { describeNeeding, type Prerequisite } from '../support/prerequisites';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');
const WINDOW = { width: 1280, height: 1800 };
const RUN_TIMEOUT_MS = 45_000;

/** Fixture cases that together cover ExpressRoute and VPN only, one and two instances, redacted and not. */
const CASES = [
  { name: 'active-active-bgp', site: 'dc1' },
  { name: 'gcm-ecp384', site: 'lab' },
  { name: 'three-sites', site: 'branch-a' },
];

/** Debian's Chromium, which scripts/install-browser.sh installs. */
const BROWSER: Prerequisite = {
  subject: 'The handoff page check in headless Chromium',
  skipEnv: 'TUNNELSMITH_SKIP_BROWSER',
  blockers: () => {
    if (process.platform !== 'linux') return [{ reason: `not Linux (${process.platform})` }];
    try {
      accessSync(CHROMIUM, constants.X_OK);
      return [];
    } catch {
      return [{ reason: `${CHROMIUM} is missing (Debian package chromium)`, debianPackage: 'chromium' }];
    }
  },
};

/** A network namespace of its own keeps even Chromium's background requests off the network. */
function canUnshareNetwork(): boolean {
  return spawnSync('unshare', ['--net', 'true'], { stdio: 'ignore' }).status === 0;
}

interface BrowserRun {
  dom: string;
  /** URLs the page itself asked the network stack for (Chromium's own background requests excluded). */
  pageRequests: string[];
}

let isolate = false;

/** Flags for every run: a fresh profile, no background services, no name resolution, a NetLog. */
function chromiumArgs(profile: string, netLog: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${path.join(profile, 'profile')}`,
    // No name resolves: nothing can leave this machine even outside a network namespace.
    '--host-resolver-rules=MAP * ~NOTFOUND',
    `--log-net-log=${netLog}`,
  ];
}

function launch(args: string[]): [string, string[]] {
  return isolate ? ['unshare', ['--net', CHROMIUM, ...args]] : [CHROMIUM, args];
}

/** Opens the file with scripts on; `--dump-dom` gives the DOM after they ran. */
async function openInChromium(file: string, opts: { screenshot?: string } = {}): Promise<BrowserRun> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'ts-chromium-'));
  const netLog = path.join(profile, 'netlog.json');
  const args = [
    ...chromiumArgs(profile, netLog),
    ...(opts.screenshot ? [`--screenshot=${opts.screenshot}`, `--window-size=${WINDOW.width},${WINDOW.height}`] : []),
    '--dump-dom',
    pathToFileURL(file).href,
  ];
  try {
    const { code, stdout, stderr } = await run(...launch(args));
    if (code !== 0) throw new Error(`chromium exited with ${code}:\n${stderr.split('\n').slice(-15).join('\n')}`);
    return { dom: stdout, pageRequests: pageRequestsIn(readFileSync(netLog, 'utf8')) };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/**
 * Opens the file with scripts off. `--dump-dom` prints nothing then (it reads the DOM with a script),
 * so this run reads it over the DevTools protocol on a pipe (fds 3 and 4): navigate, wait for load,
 * DOM.getOuterHTML.
 */
async function openWithoutScripts(file: string): Promise<BrowserRun> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'ts-chromium-'));
  const netLog = path.join(profile, 'netlog.json');
  const args = [...chromiumArgs(profile, netLog), '--blink-settings=scriptEnabled=false', '--remote-debugging-pipe', 'about:blank'];
  const [command, argv] = launch(args);
  const child = spawn(command, argv, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const cdp = new DevToolsPipe(child.stdio[3] as Writable, child.stdio[4] as Readable);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`chromium (no scripts) did not finish within ${RUN_TIMEOUT_MS} ms:\n${stderr.slice(-2000)}`)), RUN_TIMEOUT_MS);
  });
  try {
    const dom = await Promise.race([
      timeout,
      (async () => {
        let page: { targetId: string } | undefined;
        while (!page) {
          const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { targetId: string; type: string }[] };
          page = targetInfos.find((t) => t.type === 'page');
          if (!page) await new Promise((r) => setTimeout(r, 50));
        }
        const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: page.targetId, flatten: true })) as { sessionId: string };
        await cdp.send('Page.enable', {}, sessionId);
        const loaded = cdp.waitFor('Page.loadEventFired', sessionId);
        await cdp.send('Page.navigate', { url: pathToFileURL(file).href }, sessionId);
        await loaded;
        const { root } = (await cdp.send('DOM.getDocument', { depth: -1 }, sessionId)) as { root: { nodeId: number } };
        const { outerHTML } = (await cdp.send('DOM.getOuterHTML', { nodeId: root.nodeId }, sessionId)) as { outerHTML: string };
        await cdp.send('Browser.close');
        await exited;
        return outerHTML;
      })(),
    ]);
    return { dom, pageRequests: pageRequestsIn(readFileSync(netLog, 'utf8')) };
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The DevTools protocol over Chromium's pipe: NUL-terminated JSON messages. */
class DevToolsPipe {
  private nextId = 1;
  private buffer = '';
  private readonly pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  private readonly waiters: { method: string; sessionId: string; resolve: () => void }[] = [];

  constructor(
    private readonly out: Writable,
    input: Readable,
  ) {
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let end = this.buffer.indexOf('\0'); end >= 0; end = this.buffer.indexOf('\0')) {
        this.receive(JSON.parse(this.buffer.slice(0, end)) as DevToolsMessage);
        this.buffer = this.buffer.slice(end + 1);
      }
    });
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<unknown> {
    const id = this.nextId++;
    this.out.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  waitFor(method: string, sessionId: string): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ method, sessionId, resolve }));
  }

  private receive(msg: DevToolsMessage): void {
    const pending = msg.id !== undefined ? this.pending.get(msg.id) : undefined;
    if (pending && msg.id !== undefined) {
      this.pending.delete(msg.id);
      if (msg.error) pending.reject(new Error(`DevTools: ${msg.error.message}`));
      else pending.resolve(msg.result);
      return;
    }
    for (const w of this.waiters.filter((x) => x.method === msg.method && x.sessionId === msg.sessionId)) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve();
    }
  }
}

interface DevToolsMessage {
  id?: number;
  method?: string;
  sessionId?: string;
  result?: unknown;
  error?: { message: string };
}

function run(command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a hung browser is ended with its helpers, by this group's id only.
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      reject(new Error(`chromium did not finish within ${RUN_TIMEOUT_MS} ms:\n${stderr.slice(-2000)}`));
    }, RUN_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

interface NetLog {
  constants: { logEventTypes: Record<string, number> };
  events: { type: number; params?: Record<string, unknown> }[];
}

/** Requests a page loaded from file:// made: its origin shows as `null`/file:// in the initiator or the isolation key. */
function pageRequestsIn(netLogText: string): string[] {
  const log = JSON.parse(netLogText) as NetLog;
  const startJob = log.constants.logEventTypes.URL_REQUEST_START_JOB;
  const urls = new Set<string>();
  for (const e of log.events) {
    if (e.type !== startJob || !e.params) continue;
    const url = String(e.params.url ?? '');
    if (/^(file|data|blob|chrome):/.test(url)) continue;
    const initiator = String(e.params.initiator ?? '');
    const isolation = String(e.params.network_isolation_key ?? '');
    if (initiator === 'null' || initiator.startsWith('file:') || isolation.includes('file://')) urls.add(url);
  }
  return [...urls];
}

/** Undoes the escaping of Chromium's DOM serialization (text: & < > and no-break space; attributes: & and "). */
function domText(html: string): string {
  return html.replace(/&(amp|lt|gt|quot|nbsp);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', nbsp: '\u00a0' })[e] as string);
}

function pngSize(file: string): { width: number; height: number } {
  const png = readFileSync(file);
  expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** The `<details ...>` start tag around `index` in `html`, or undefined outside every details element. */
function enclosingDetails(html: string, index: number): string | undefined {
  const open = html.lastIndexOf('<details', index);
  if (open < 0 || html.lastIndexOf('</details>', index) > open) return undefined;
  return html.slice(open, html.indexOf('>', open) + 1);
}

function tags(dom: string, name: string, cls: string): string[] {
  return [...dom.matchAll(new RegExp(`<${name} class="${cls}"[^>]*>`, 'g'))].map((m) => m[0]);
}

interface WrittenCase {
  c: GoldenCase;
  siteDir: string;
  page: string;
  manifest: Manifest;
  key: string | undefined;
}

/** Writes the case's site bundle with the real writer, as `tunnelsmith render` would. */
async function writeCase(name: string, site: string, outDir: string): Promise<WrittenCase> {
  const c = discoverCases().find((x) => x.name === name);
  if (!c) throw new Error(`no fixture case ${name}`);
  // A redacted case's facts may hold no key: give it one, so the test can prove it stays out of the page.
  const keys = Object.fromEntries(c.facts.sites.map((s) => [s.name, s.sharedKey ?? (c.redact ? `PageTest${s.name.replace(/\W/g, '')}Key4Vb7Nq2Xw9Lm5Tz8` : undefined)]));
  const plan = planCase(c, keys).find((p) => p.site === site);
  if (!plan) throw new Error(`fixture case ${name} has no site ${site}`);
  const files = buildSiteBundle(plan, { toolVersion: TOOL_VERSION, hubDigest: c.hubDigest, redacted: c.redact });
  const key = keys[site];
  await writeBundles([{ site, files, ...(c.redact && key !== undefined ? { separateKey: key } : {}) }], { outDir, force: false, durable: false });
  const siteDir = path.join(outDir, site);
  return { c, siteDir, page: path.join(siteDir, 'index.html'), manifest: JSON.parse(readFileSync(path.join(siteDir, 'manifest.json'), 'utf8')) as Manifest, key };
}

describeNeeding(BROWSER, 'handoff page in headless Chromium', () => {
  let out: string;
  beforeAll(() => {
    isolate = canUnshareNetwork();
    out = mkdtempSync(path.join(os.tmpdir(), 'ts-page-'));
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('covers ExpressRoute and VPN only, one and two instances, redacted and not', () => {
    const cases = discoverCases().filter((c) => CASES.some((x) => x.name === c.name));
    expect(cases.length).toBe(CASES.length);
    expect(new Set(cases.map((c) => c.hub.azure.expressRoute !== undefined))).toEqual(new Set([true, false]));
    expect(new Set(cases.map((c) => c.facts.vpnGateway.instances.length))).toEqual(new Set([1, 2]));
    expect(new Set(cases.map((c) => c.redact))).toEqual(new Set([true, false]));
  });

  describe.each(CASES)('$name ($site)', ({ name, site }) => {
    let w: WrittenCase;
    let withScripts: BrowserRun;
    const screenshot = path.join(ARTIFACTS, `handoff-${name}.png`);

    beforeAll(async () => {
      w = await writeCase(name, site, path.join(out, name));
      rmSync(screenshot, { force: true });
      withScripts = await openInChromium(w.page, { screenshot });
    }, 2 * RUN_TIMEOUT_MS);

    it('requests nothing from the network', () => {
      expect(withScripts.pageRequests).toEqual([]);
    });

    it('is written with the mode the manifest gives, and Chromium rendered it', () => {
      const entry = w.manifest.files.find((f) => f.path === 'index.html');
      expect(entry).toBeDefined();
      expect((statSync(w.page).mode & 0o777).toString(8).padStart(4, '0')).toBe(entry?.mode);
      expect(withScripts.dom).toContain(`<title>Site ${site}: VPN to Azure`);
      expect(pngSize(screenshot)).toEqual(WINDOW);
      expect(statSync(screenshot).size).toBeGreaterThan(30_000);
    });

    it('draws one tunnel per Azure public IP, and ExpressRoute as primary exactly when configured', () => {
      const ips = w.c.facts.vpnGateway.instances.map((i) => i.publicIp);
      const tunnels = tags(withScripts.dom, 'line', 'tunnel');
      expect(tunnels.map((t) => t.match(/data-azure-ip="([^"]*)"/)?.[1]).sort()).toEqual([...ips].sort());
      for (const ip of ips) expect(withScripts.dom).toMatch(new RegExp(`<text[^>]*>tunnel \\d to ${ip.replace(/\./g, '\\.')}</text>`));
      const er = tags(withScripts.dom, 'line', 'expressroute primary');
      expect(er.length).toBe(w.c.hub.azure.expressRoute ? 1 : 0);
      expect(withScripts.dom.includes('>primary path</text>')).toBe(w.c.hub.azure.expressRoute !== undefined);
    });

    it('shows the parameters: Azure IPs, ASNs, prefixes', () => {
      const dom = withScripts.dom;
      const hubSite = w.c.hub.sites.find((s) => s.name === site);
      for (const [i, inst] of w.c.facts.vpnGateway.instances.entries()) expect(dom).toContain(`Azure instance ${i + 1} public IP</td><td>${inst.publicIp}</td>`);
      expect(dom).toContain(`Azure ASN</td><td>${w.c.facts.vpnGateway.asn}</td>`);
      expect(dom).toContain(`Azure VNet prefixes</td><td>${w.c.facts.vnetAddressSpace.join(', ')}</td>`);
      expect(dom).toContain(`On-premises prefixes</td><td>${hubSite?.addressSpace.join(', ')}</td>`);
      if (hubSite?.bgp) expect(dom).toContain(`>AS ${hubSite.bgp.asn}</text>`);
    });

    it('holds every device file as written, each with a working copy button', () => {
      const deviceFiles = w.manifest.files.filter((f) => f.path.includes('/'));
      expect(deviceFiles.length).toBeGreaterThan(0);
      for (const f of deviceFiles) {
        const at = withScripts.dom.indexOf(`<summary><code>${f.path}</code>`);
        expect(at).toBeGreaterThan(0);
        const code = withScripts.dom.slice(at).match(/<pre><code id="([\w-]+)">([\s\S]*?)<\/code><\/pre>/);
        expect(domText(code?.[2] ?? '')).toBe(readFileSync(path.join(w.siteDir, f.path), 'utf8'));
        // The script ran (the CSP allowed it by hash) and unhid the file's copy button.
        expect(withScripts.dom).toContain(`<button type="button" class="copy" data-copy="${code?.[1]}">Copy</button>`);
      }
      expect(withScripts.dom).not.toMatch(/<button[^>]*hidden/);
    });

    it('keeps the key folded in closed <details>, or out of the page when redacted', () => {
      const key = w.key as string;
      expect(key.length).toBeGreaterThan(20);
      const onDisk = readFileSync(w.page, 'utf8');
      if (w.c.redact) {
        // The key went to its own file beside the site folder, and nowhere into the page.
        expect(readFileSync(path.join(w.siteDir, '..', `${site}.key`), 'utf8')).toBe(`${key}\n`);
        expect(onDisk).not.toContain(key);
        expect(withScripts.dom).not.toContain(key);
        expect(withScripts.dom).toContain(`Replace the placeholder <code>${REDACTED_KEY_PLACEHOLDER}</code>`);
        return;
      }
      let at = withScripts.dom.indexOf(key);
      expect(at).toBeGreaterThan(0);
      for (; at >= 0; at = withScripts.dom.indexOf(key, at + 1)) {
        const details = enclosingDetails(withScripts.dom, at);
        expect(details).toMatch(/^<details class="(file )?secret"/);
        expect(details).not.toMatch(/\sopen\b/);
      }
    });
  });

  describe('with scripts disabled', () => {
    let w: WrittenCase;
    let noScript: BrowserRun;
    beforeAll(async () => {
      w = await writeCase('active-active-bgp', 'dc1', path.join(out, 'noscript'));
      noScript = await openWithoutScripts(w.page);
    }, 2 * RUN_TIMEOUT_MS);

    it('everything but the copy buttons is there: diagram, parameters, files, folded key, steps', () => {
      const dom = noScript.dom;
      const buttons = dom.match(/<button[^>]*>/g) ?? [];
      expect(buttons.length).toBeGreaterThan(1);
      for (const b of buttons) expect(b).toMatch(/\shidden=""/);
      expect(tags(dom, 'line', 'tunnel').length).toBe(w.c.facts.vpnGateway.instances.length);
      expect(tags(dom, 'line', 'expressroute primary').length).toBe(1);
      for (const f of w.manifest.files.filter((x) => x.path.includes('/'))) {
        const at = dom.indexOf(`<summary><code>${f.path}</code>`);
        const code = dom.slice(at).match(/<pre><code id="[\w-]+">([\s\S]*?)<\/code><\/pre>/);
        expect(domText(code?.[1] ?? '')).toBe(readFileSync(path.join(w.siteDir, f.path), 'utf8'));
      }
      expect(dom).toContain('<details class="secret" id="shared-key">');
      expect(dom).toContain('<section id="failover">');
      expect(dom).toMatch(/<h3>Roll back<\/h3>/);
      expect(noScript.pageRequests).toEqual([]);
    });
  });

  it('the request check sees a page that does fetch (control)', async () => {
    const control = path.join(out, 'control.html');
    writeFileSync(control, '<!DOCTYPE html><html><head><link rel="stylesheet" href="https://fonts.example.net/a.css"></head><body><img src="http://images.example.com/a.png"></body></html>\n');
    const r = await openInChromium(control);
    expect(r.pageRequests.sort()).toEqual(['http://images.example.com/a.png', 'https://fonts.example.net/a.css']);
  }, 2 * RUN_TIMEOUT_MS);
});
