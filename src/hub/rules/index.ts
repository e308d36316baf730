/** Every rule of hub-file.md "Rules the file is checked against", in report order. */
import { checkApipaPeering, checkGatewayApipaBgpIps } from './apipa';
import { checkGatewayAsn, checkSiteAsn } from './asn';
import { checkBgpPeerIp } from './bgpPeerIp';
import { checkDeviceOptions } from './deviceOptions';
import { checkDeviceCanExpressPolicy } from './deviceProposals';
import { checkCircuitConnection, checkCircuitExclusive } from './expressRoute';
import { checkExpressRouteRoutesVia } from './expressRouteRoutesVia';
import { checkPublicIpNameCount } from './gatewayInstances';
import { checkBgpStaticPrefixes, checkLocalNetworkGatewayPrefixes } from './localNetworkGateway';
import { checkNonAzVpnSku } from './vpnSku';
import { checkGatewaySubnetInsideVnet, checkGatewaySubnetOverlaps, checkGatewaySubnetSize } from './gatewaySubnet';
import { checkDerivedNames, checkResourceNamesUnique, checkSiteNamesUnique } from './names';
import { checkGcmPairing, checkWeakPolicy } from './policy';
import { checkPrefixesAreNetworks } from './prefixes';
import { checkSiteAddressSpace } from './siteAddressSpace';
import { checkSpokePrefixes } from './spokePrefixes';
import { checkHasSites, checkSitePublicIpsUnique } from './sites';
import type { HubRule } from './types';
import { checkSubnetNames, checkSubnetsInsideVnet, checkVnetAddressSpaceDisjoint } from './vnet';

export const HUB_RULES: readonly HubRule[] = [
  checkPrefixesAreNetworks,
  checkVnetAddressSpaceDisjoint,
  checkGatewaySubnetInsideVnet,
  checkGatewaySubnetOverlaps,
  checkGatewaySubnetSize,
  checkSubnetsInsideVnet,
  checkSubnetNames,
  checkGatewayAsn,
  checkNonAzVpnSku,
  checkPublicIpNameCount,
  checkGatewayApipaBgpIps,
  checkCircuitExclusive,
  checkCircuitConnection,
  checkDerivedNames,
  checkResourceNamesUnique,
  checkHasSites,
  checkSiteNamesUnique,
  checkSitePublicIpsUnique,
  checkSiteAddressSpace,
  checkLocalNetworkGatewayPrefixes,
  checkBgpStaticPrefixes,
  checkSpokePrefixes,
  checkSiteAsn,
  checkBgpPeerIp,
  checkApipaPeering,
  checkExpressRouteRoutesVia,
  checkWeakPolicy,
  checkGcmPairing,
  checkDeviceCanExpressPolicy,
  checkDeviceOptions,
];

export type { DeviceOptionSpec, DeviceRules, DeviceTable, HubParts, HubRule, RuleEnv } from './types';
