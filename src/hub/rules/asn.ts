/** BGP ASNs: none reserved by Azure, and the site's differs from the gateway's. */
import type { Problem } from '../../errors';
import { AZURE_DEFAULT_ASN, isReservedAsn } from '../azureValues';
import { error, sitePath, type HubParts } from './types';

/** `vpnGateway.asn` is 65515 or an ASN Azure does not reserve. */
export function checkGatewayAsn(parts: HubParts): Problem[] {
  const asn = parts.vpnGateway?.asn;
  if (asn === undefined || asn === AZURE_DEFAULT_ASN || !isReservedAsn(asn)) return [];
  return [error('azure.vpnGateway.asn', `ASN ${asn} is reserved by Azure`, `use ${AZURE_DEFAULT_ASN} (the default) or a private ASN such as 65100`)];
}

/** `bgp.asn` is not reserved by Azure and differs from the gateway's ASN. */
export function checkSiteAsn(parts: HubParts): Problem[] {
  const gatewayAsn = parts.vpnGateway ? (parts.vpnGateway.asn ?? AZURE_DEFAULT_ASN) : undefined;
  const problems: Problem[] = [];
  for (const { index, site } of parts.sites) {
    if (!site.bgp) continue;
    const path = sitePath(index, 'bgp.asn');
    const asn = site.bgp.asn;
    if (isReservedAsn(asn)) {
      problems.push(error(path, `ASN ${asn} is reserved by Azure (8074, 8075, 12076, 23456, 64496-64511, 65515, 65517-65520, 65535-65551, 4294967295)`, 'use a private ASN such as 65010 (64512-65514) or a 32-bit private ASN (4200000000-4294967294)'));
    } else if (asn === gatewayAsn) {
      problems.push(error(path, `ASN ${asn} is the VPN gateway's own ASN; eBGP needs different ASNs on both sides`, 'use another ASN for the site, or change azure.vpnGateway.asn'));
    }
  }
  return problems;
}
