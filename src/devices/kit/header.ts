/** The header every device file opens with: the values it was built from and the OS versions it targets. Pure. */
import type { DeviceDefinition, SiteContext } from './contract';

/**
 * Plain text lines (no comment markers: each template prefixes its own). `backupPath` says how THIS file
 * keeps the VPN the backup when ExpressRoute is primary (it depends on the device and the routing mode:
 * static routes have no local preference, RRAS cannot prepend, ...); it is printed only then.
 */
export function buildHeaderLines(
  ctx: SiteContext,
  device: Pick<DeviceDefinition, 'displayName' | 'targets'>,
  fileTitle: string,
  backupPath: string,
): string[] {
  const p = ctx.proposals;
  const lines = [
    `tunnelsmith: ${fileTitle}`,
    `Device: ${device.displayName}; targets ${device.targets}`,
    `Hub: ${ctx.hubId} (${ctx.azure.location}); site: ${ctx.site.name}`,
    `Azure VPN gateway: ${ctx.azure.vpnGatewayName}, ASN ${ctx.azure.asn}, ${ctx.azure.activeActive ? 'active-active (2 instances, 2 tunnels)' : 'single instance (1 tunnel)'}`,
    ...ctx.tunnels.map(
      (t) => `  Azure instance ${t.number}: public IP ${t.azurePublicIp}${t.azureBgpIp ? `, BGP address ${t.azureBgpIp}` : ''}`,
    ),
    `Azure VNet prefixes: ${ctx.azure.vnetPrefixes.join(', ')}`,
    ...(ctx.azure.spokePrefixes.length ? [`Azure spoke prefixes (peered VNets using this hub's gateways; more specifics accepted too): ${ctx.azure.spokePrefixes.join(', ')}`] : []),
    `Connection: ${ctx.azure.connectionName}; DPD timeout ${ctx.dpdTimeoutSeconds} s`,
    `On-premises: public IP ${ctx.site.publicIp}${ctx.outsideAddress ? ` (behind NAT, outside address ${ctx.outsideAddress})` : ''}; prefixes ${ctx.site.addressSpace.join(', ')}`,
    ctx.bgp
      ? `Routing: BGP, on-prem ASN ${ctx.bgp.localAsn} at ${ctx.bgp.localIp}, Azure ASN ${ctx.bgp.azureAsn}, ${ctx.bgp.mode === 'apipa' ? 'APIPA addresses (the appliance initiates)' : 'GatewaySubnet addresses (eBGP multihop from a loopback)'}, timers 60/180`
      : 'Routing: static (no BGP)',
    ...p.ike.map(
      (ike, i) => `IKEv2 proposal${p.ike.length > 1 ? ` ${i + 1}` : ''} (Azure names): ${ike.encryption} / ${ike.integrity} / ${ike.dhGroup}, IKE SA lifetime ${p.ikeLifetimeSeconds} s`,
    ),
    ...p.esp.map(
      (esp, i) => `IPsec proposal${p.esp.length > 1 ? ` ${i + 1}` : ''} (Azure names): ${esp.encryption} / ${esp.integrity}`,
    ),
    `PFS: ${p.pfsGroup}; IPsec SA lifetime ${p.saLifeTimeSeconds} s / ${p.saDataSizeKilobytes} KB`,
  ];
  if (!p.custom) lines.push("WARNING: the connection uses Azure's default proposals (DH group 2, no PFS): weak; set a custom ipsecPolicy");
  if (ctx.expressRouteBackup) {
    lines.push(`ExpressRoute is the primary path: this VPN is the BACKUP (${backupPath})`);
  }
  if (ctx.keyRedacted) lines.push('Shared key: REDACTED; it travels separately (replace the placeholder before applying)');
  return lines;
}
