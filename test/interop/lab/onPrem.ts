/**
 * The on-prem side of the lab: tunnelsmith's real rendering of the site for the strongSwan device
 * (buildSiteContext + renderDeviceFiles), used unchanged apart from the tunnel interface name: the lab's
 * data path is kernel-libipsec's TUN device, because this kernel has no XFRM interfaces.
 */
import { STRONGSWAN_TIMERS_FILE, strongswan } from '../../../src/devices/strongswan/device';
import type { SiteContext } from '../../../src/devices/kit/contract';
import { formatProblem } from '../../../src/errors';
import type { Hub } from '../../../src/hub/types';
import { buildSiteContext } from '../../../src/render/context';
import { renderDeviceFiles, type RenderedFile } from '../../../src/render/renderSite';
import type { LabDeployment } from './facts';

export interface OnPremRender {
  ctx: SiteContext;
  /** The files exactly as tunnelsmith rendered them. */
  rendered: RenderedFile[];
  swanctlConf: string;
  /** strongswan.d/tunnelsmith.conf (charon's retransmission timers), unchanged. */
  charonTimers: string;
  /** frr.conf with the tunnel interface names rewritten (BGP sites only). */
  frrConf?: string;
  /** tunnel-setup.sh with the tunnel interface names rewritten. */
  tunnelSetup: string;
  /** The production tunnel interface names that were rewritten, by tunnel number. */
  tunnelInterfaces: string[];
  /** swanctl connection and child names, by tunnel number. */
  connections: { connection: string; child: string }[];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces whole-word occurrences of each production interface name with the lab's. Pure. */
export function rewriteInterfaceNames(text: string, names: string[], labName: string): string {
  let out = text;
  for (const n of names) out = out.replace(new RegExp(`(?<![\\w])${escapeRegExp(n)}(?![\\w-])`, 'g'), labName);
  return out;
}

/** Renders the site with the product and adapts only the tunnel interface name for the lab. */
export function renderOnPrem(hub: Hub, deployment: LabDeployment, siteName: string, labInterface: string): OnPremRender {
  const site = hub.sites.find((s) => s.name === siteName);
  if (!site) throw new Error(`the lab hub has no site "${siteName}"`);
  const device = strongswan;
  const built = buildSiteContext({ hub, facts: deployment.facts, site, device, sharedKey: deployment.sharedKeys[siteName] });
  if (!built.ok) throw new Error(`tunnelsmith cannot build the context:\n${built.problems.map(formatProblem).join('\n')}`);
  const rendered = renderDeviceFiles(built.ctx, device);
  if (!rendered.ok) throw new Error(`tunnelsmith refused to render:\n${rendered.problems.map(formatProblem).join('\n')}`);
  const file = (name: string) => rendered.files.find((f) => f.path === name)?.content;
  const swanctlConf = file('swanctl.conf');
  const tunnelSetup = file('tunnel-setup.sh');
  const charonTimers = file(STRONGSWAN_TIMERS_FILE);
  if (swanctlConf === undefined || tunnelSetup === undefined || charonTimers === undefined) {
    throw new Error(`the strongSwan rendering lacks swanctl.conf, tunnel-setup.sh or ${STRONGSWAN_TIMERS_FILE} (got ${rendered.files.map((f) => f.path).join(', ')})`);
  }
  const prefix = String(built.ctx.options.tunnelInterfacePrefix);
  const tunnelInterfaces = built.ctx.tunnels.map((t) => `${prefix}${t.number}`);
  const frr = file('frr.conf');
  const connections = connectionNames(swanctlConf);
  if (connections.length !== built.ctx.tunnels.length) {
    throw new Error(`swanctl.conf holds ${connections.length} connection(s) for ${built.ctx.tunnels.length} tunnel(s)`);
  }
  return {
    ctx: built.ctx,
    rendered: rendered.files,
    swanctlConf,
    charonTimers,
    ...(frr !== undefined ? { frrConf: rewriteInterfaceNames(frr, tunnelInterfaces, labInterface) } : {}),
    tunnelSetup: rewriteInterfaceNames(tunnelSetup, tunnelInterfaces, labInterface),
    tunnelInterfaces,
    connections,
  };
}

/**
 * The connection and child names of a swanctl.conf, in order (a section under `connections` and the
 * first section under its `children`). Pure.
 */
export function connectionNames(conf: string): { connection: string; child: string }[] {
  const out: { connection: string; child: string }[] = [];
  const stack: string[] = [];
  for (const raw of conf.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const open = /^([\w.-]+)\s*\{$/.exec(line);
    if (open) {
      stack.push(open[1]);
      if (stack.length === 2 && stack[0] === 'connections') out.push({ connection: open[1], child: '' });
      if (stack.length === 4 && stack[0] === 'connections' && stack[2] === 'children' && out.length && out[out.length - 1].child === '') {
        out[out.length - 1].child = open[1];
      }
    } else if (line === '}') {
      stack.pop();
    }
  }
  return out;
}
