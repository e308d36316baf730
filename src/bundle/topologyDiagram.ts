/**
 * The handoff README's topology as a Mermaid flowchart: the on-prem prefixes, the appliance, one VPN
 * tunnel per Azure gateway instance (dotted: the backup path), and ExpressRoute as the primary path.
 * Pure. Every value has passed validation (no quotes, brackets or newlines), so labels need no escaping.
 */
import type { SiteContext } from '../devices/kit/contract';

export function buildTopologyDiagram(ctx: SiteContext, deviceNames: string[]): string[] {
  const site = ctx.site;
  const lines = ['flowchart LR'];
  lines.push(`  subgraph onprem["On-premises site ${site.name}${ctx.bgp ? ` (AS ${ctx.bgp.localAsn})` : ''}"]`);
  lines.push(`    lan["${site.addressSpace.join('<br/>')}"]`);
  const bgpLine = ctx.bgp ? `<br/>BGP ${ctx.bgp.localIp}` : '';
  const nat = ctx.outsideAddress ? `<br/>behind NAT: ${ctx.outsideAddress}` : '';
  lines.push(`    appliance["${deviceNames.join(' / ')}<br/>${site.publicIp}${nat}${bgpLine}"]`);
  if (ctx.expressRouteBackup) lines.push('    edge["ExpressRoute edge router"]');
  lines.push('  end');
  lines.push(`  subgraph azure["Azure hub ${ctx.hubId} (${ctx.azure.location})"]`);
  lines.push(`    vnet["VNet<br/>${ctx.azure.vnetPrefixes.join('<br/>')}"]`);
  lines.push(`    vpngw["VPN gateway ${ctx.azure.vpnGatewayName}<br/>AS ${ctx.azure.asn}${ctx.azure.activeActive ? '<br/>active-active' : ''}"]`);
  if (ctx.expressRouteBackup) lines.push('    ergw["ExpressRoute gateway"]');
  lines.push('  end');
  lines.push('  lan --- appliance');
  for (const t of ctx.tunnels) {
    const bgp = t.azureBgpIp ? `, BGP ${t.azureBgpIp}` : '';
    const role = ctx.expressRouteBackup ? ' (backup)' : '';
    lines.push(`  appliance -.->|"tunnel ${t.number} to ${t.azurePublicIp}${bgp}${role}"| vpngw`);
  }
  lines.push('  vpngw --- vnet');
  if (ctx.expressRouteBackup) {
    lines.push('  lan --- edge');
    lines.push('  edge ==>|"ExpressRoute circuit (primary)"| ergw');
    lines.push('  ergw --- vnet');
  }
  return lines;
}
