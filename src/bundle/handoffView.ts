/** The view behind a site's handoff README. Pure. */
import type { DeviceId } from '../devices/ids';
import type { DeviceDefinition } from '../devices/types';
import type { SiteRenderPlan } from '../render/plan';
import type { BundleMeta } from './build';

export function buildHandoffView(plan: SiteRenderPlan, meta: BundleMeta, devices: Readonly<Record<DeviceId, DeviceDefinition>>): Record<string, unknown> {
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
    ['IKEv2 proposal (Azure names)', p.ike.map((i) => `${i.encryption}/${i.integrity}/${i.dhGroup}`).join('; ')],
    ['IPsec proposal (Azure names)', p.esp.map((e) => `${e.encryption}/${e.integrity}`).join('; ')],
    ['PFS / SA lifetime', `${p.pfsGroup} / ${p.saLifeTimeSeconds} s, ${p.saDataSizeKilobytes} KB`],
    ['DPD timeout', `${ctx.dpdTimeoutSeconds} s`],
    ['Azure connection', ctx.azure.connectionName],
    ['Shared key', meta.redacted ? 'not in this bundle: it travels separately (replace the placeholder)' : 'inside the files marked secret (mode 0600)'],
  ];
  return {
    site: plan.site,
    hubId: ctx.hubId,
    toolVersion: meta.toolVersion,
    expressRouteBackup: ctx.expressRouteBackup,
    redacted: meta.redacted,
    rows: rows.map(([name, value]) => ({ name, value })),
    devices: plan.devices.map((d) => ({
      id: d.deviceId,
      name: devices[d.deviceId].displayName,
      targets: devices[d.deviceId].targets,
      files: d.files.map((f) => ({ path: `${d.deviceId}/${f.path}`, secret: f.holdsSecret })),
    })),
  };
}
