/**
 * The view behind a site's handoff README: everything the on-prem engineer needs to work alone. Pure.
 * The README's long lists (the diagram, the parameter table, the steps) come as finished Markdown lines:
 * a template loop that only joins strings costs the engine a frame and eight loop variables per line.
 * The page (pageView.ts) reuses the raw rows and procedures.
 */
import type { DeviceId } from '../hub/deviceIds';
import type { DeviceDefinition } from '../devices/kit/contract';
import type { DeviceProcedure, ProcedureInput } from '../devices/kit/procedure';
import type { SiteRenderPlan } from '../render/plan';
import type { BundleMeta } from './manifest';
import { buildTopologyDiagram } from './topologyDiagram';

export type HandoffView = ReturnType<typeof buildHandoffView>;

export function buildHandoffView(plan: SiteRenderPlan, meta: BundleMeta, devices: Readonly<Record<DeviceId, DeviceDefinition>>) {
  const ctx = plan.context;
  const p = ctx.proposals;
  const rows: [string, string][] = [
    ['Hub (resource group / VNet)', ctx.hubId],
    ['Azure region', ctx.azure.location],
    ['Azure VPN gateway', `${ctx.azure.vpnGatewayName} (${ctx.azure.activeActive ? 'active-active: 2 tunnels' : 'single instance: 1 tunnel'})`],
    ...ctx.tunnels.map((t): [string, string] => [`Azure instance ${t.number} public IP`, t.azurePublicIp]),
    ...ctx.tunnels.filter((t) => t.azureBgpIp).map((t): [string, string] => [`Azure instance ${t.number} BGP address`, t.azureBgpIp as string]),
    ['Azure ASN', String(ctx.azure.asn)],
    ['Azure VNet prefixes', ctx.azure.vnetPrefixes.join(', ')],
    ['On-premises public IP (IKE identity)', ctx.site.publicIp],
    ...(ctx.outsideAddress ? [['Appliance outside address (behind NAT)', ctx.outsideAddress] as [string, string]] : []),
    ['On-premises prefixes', ctx.site.addressSpace.join(', ')],
    ['Routing', ctx.bgp ? `BGP: on-prem ASN ${ctx.bgp.localAsn}, BGP address ${ctx.bgp.localIp} (${ctx.bgp.mode === 'apipa' ? 'APIPA: the appliance initiates' : 'loopback, eBGP multihop'})` : 'static'],
    ...(ctx.bgp ? [['BGP timers', `keepalive ${ctx.bgp.keepaliveSeconds} s, hold ${ctx.bgp.holdSeconds} s (fixed by Azure)`] as [string, string]] : []),
    ['IKEv2 proposal (Azure names)', p.ike.map((i) => `${i.encryption}/${i.integrity}/${i.dhGroup}`).join('; ')],
    ['IPsec proposal (Azure names)', p.esp.map((e) => `${e.encryption}/${e.integrity}`).join('; ')],
    ['PFS / SA lifetime', `${p.pfsGroup} / ${p.saLifeTimeSeconds} s, ${p.saDataSizeKilobytes} KB`],
    ['DPD timeout', `${ctx.dpdTimeoutSeconds} s`],
    ['Azure connection', ctx.azure.connectionName],
    ['Shared key', meta.redacted ? 'not in this bundle: it travels separately (replace the placeholder)' : 'inside the files marked secret (mode 0600)'],
  ];
  const deviceViews = plan.devices.map((d) => {
    const def = devices[d.deviceId];
    const files = d.files.map((f) => ({ path: `${d.deviceId}/${f.path}`, secret: f.holdsSecret }));
    const { procedure, stepsMarkdown } = deviceSteps(def, { files: files.map((f) => f.path), bgp: ctx.bgp !== undefined, tunnels: ctx.tunnels.length });
    const policyWords = def.policyWords(p);
    return {
      id: d.deviceId,
      name: def.displayName,
      targets: def.targets,
      files,
      policyWords,
      policyWordsMarkdown: codeBulletLines(policyWords),
      procedure,
      stepsMarkdown,
    };
  });
  return {
    site: plan.site,
    hubId: ctx.hubId,
    toolVersion: meta.toolVersion,
    expressRouteBackup: ctx.expressRouteBackup,
    redacted: meta.redacted,
    bgp: ctx.bgp !== undefined,
    tunnelCount: ctx.tunnels.length,
    activeActive: ctx.azure.activeActive,
    connectionName: ctx.azure.connectionName,
    rows: rows.map(([name, value]) => ({ name, value })),
    rowsMarkdown: rows.map(([name, value]) => `| ${name} | ${value} |`).join('\n'),
    diagram: buildTopologyDiagram(ctx, deviceViews.map((d) => d.name)).join('\n'),
    devices: deviceViews,
  };
}

interface DeviceSteps {
  procedure: DeviceProcedure;
  stepsMarkdown: Record<keyof DeviceProcedure, string>;
}

/**
 * A device's procedure is a pure function of its input (the file paths, BGP or not, the tunnel count),
 * and the sites of a hub share a handful of inputs: each distinct one is built and formatted once per
 * process instead of once per site. The result is shared between sites, so nothing may modify it.
 */
const stepsByDevice = new WeakMap<DeviceDefinition, Map<string, DeviceSteps>>();

function deviceSteps(def: DeviceDefinition, input: ProcedureInput): DeviceSteps {
  let byInput = stepsByDevice.get(def);
  if (byInput === undefined) stepsByDevice.set(def, (byInput = new Map()));
  const key = JSON.stringify([input.files, input.bgp, input.tunnels]);
  let steps = byInput.get(key);
  if (steps === undefined) {
    const procedure = def.procedure(input);
    steps = {
      procedure,
      stepsMarkdown: {
        before: bulletLines(procedure.before),
        apply: numberedLines(procedure.apply),
        verify: bulletLines(procedure.verify),
        rollback: bulletLines(procedure.rollback),
      },
    };
    byInput.set(key, steps);
  }
  return steps;
}

/** `- step` lines, each ending its line (empty for no steps). */
export function bulletLines(steps: string[]): string {
  return steps.map((s) => `- ${s}\n`).join('');
}

/** ``- `word` `` lines, each ending its line (empty for none). */
export function codeBulletLines(words: string[]): string {
  return words.map((w) => `- \`${w}\`\n`).join('');
}

/** `1. step` lines, each ending its line (empty for no steps). */
export function numberedLines(steps: string[]): string {
  return steps.map((s, i) => `${i + 1}. ${s}\n`).join('');
}
