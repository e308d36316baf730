/** Joins the hub's intent with Azure's facts into the SiteContext a device view is built from. Pure. */
import type { Problem } from '../errors';
import type { AzureFacts } from '../facts/types';
import { DEFAULT_EXPRESS_ROUTE_ROUTES_VIA, hubId, type Hub, type Site } from '../hub/types';
import { buildProposals } from '../policy/catalog';
import type { DeviceDefinition, SiteContext, TunnelContext } from '../devices/kit/contract';
import { isAzureApipa } from '../net/ipv4';

/** An Azure VPN gateway has one instance, or two when active-active; devices number tunnels from it. */
export const MAX_GATEWAY_INSTANCES = 2;

export const REDACTED_KEY_PLACEHOLDER = '__TUNNELSMITH_SHARED_KEY__';

export interface ContextInput {
  hub: Hub;
  facts: AzureFacts;
  site: Site;
  device: DeviceDefinition;
  /** The key to render, or undefined when redacting. */
  sharedKey: string | undefined;
}

export type ContextResult = { ok: true; ctx: SiteContext } | { ok: false; problems: Problem[] };

/**
 * Builds the context for one (site, device) pair, or the problems that prevent it
 * (facts that do not cover the site, missing BGP addresses, ...). Paths name the facts file.
 */
export function buildSiteContext(input: ContextInput): ContextResult {
  const { hub, facts, site, device } = input;
  const problems: Problem[] = [];
  const siteFacts = facts.sites.find((s) => s.name === site.name);
  const where = `facts.sites[${site.name}]`;
  if (!siteFacts) {
    return {
      ok: false,
      problems: [{ path: where, severity: 'error', message: `the facts hold no site "${site.name}"`, fix: 'read the facts back again after deploy (tunnelsmith facts)' }],
    };
  }
  const instances = [...facts.vpnGateway.instances].sort((a, b) => a.index - b.index);
  if (instances.length > MAX_GATEWAY_INSTANCES) {
    problems.push({ path: 'facts.vpnGateway.instances', severity: 'error', message: `${instances.length} gateway instances reported; an Azure VPN gateway has at most ${MAX_GATEWAY_INSTANCES}`, fix: 'read the facts back again (tunnelsmith facts)' });
  }
  if (instances.length === 0) {
    problems.push({ path: 'facts.vpnGateway.instances', severity: 'error', message: 'no gateway instance (public IP) is known', fix: 'wait until the VPN gateway is provisioned, then read the facts again' });
  }
  const bgpWanted = site.bgp !== undefined;
  if (bgpWanted && siteFacts.azureBgpIps.length < instances.length) {
    problems.push({ path: `${where}.azureBgpIps`, severity: 'error', message: `BGP is set for the site but Azure reported ${siteFacts.azureBgpIps.length} BGP address(es) for ${instances.length} instance(s)`, fix: 'enable BGP on the connection (tunnelsmith deploy) and read the facts again' });
  }
  if (problems.length) return { ok: false, problems };

  const tunnels: TunnelContext[] = instances.map((inst, i) => ({
    index: inst.index,
    number: i + 1,
    azurePublicIp: inst.publicIp,
    ...(bgpWanted ? { azureBgpIp: siteFacts.azureBgpIps[i] } : {}),
  }));

  const options: SiteContext['options'] = {};
  for (const [key, spec] of Object.entries(device.options)) options[key] = spec.default;
  const explicit = site.device === device.id ? withoutCommonOptions(site.deviceOptions) : {};
  Object.assign(options, explicit);
  for (const [key, spec] of Object.entries(device.options)) {
    if (spec.deriveDefault && !(key in explicit)) options[key] = spec.deriveDefault(options);
  }
  const outsideAddress = site.deviceOptions.outsideAddress;

  const ctx: SiteContext = {
    hubId: hubId(hub),
    site,
    deviceId: device.id,
    options,
    proposals: buildProposals(siteFacts.ipsecPolicy),
    dpdTimeoutSeconds: siteFacts.dpdTimeoutSeconds,
    azure: {
      location: facts.location,
      vpnGatewayName: facts.vpnGateway.name,
      connectionName: siteFacts.connectionName,
      asn: facts.vpnGateway.asn,
      activeActive: facts.vpnGateway.activeActive,
      vnetPrefixes: [...facts.vnetAddressSpace],
      spokePrefixes: [...(hub.azure.vnet.spokePrefixes ?? [])],
    },
    tunnels,
    ...(site.bgp
      ? {
          bgp: {
            localAsn: site.bgp.asn,
            localIp: site.bgp.peerIp,
            azureAsn: facts.vpnGateway.asn,
            mode: isAzureApipa(site.bgp.peerIp) ? ('apipa' as const) : ('multihop' as const),
            keepaliveSeconds: 60 as const,
            holdSeconds: 180 as const,
          },
        }
      : {}),
    expressRouteBackup: hub.azure.expressRoute !== undefined,
    expressRouteRoutesVia: site.expressRouteRoutesVia ?? DEFAULT_EXPRESS_ROUTE_ROUTES_VIA,
    sharedKey: input.sharedKey ?? REDACTED_KEY_PLACEHOLDER,
    keyRedacted: input.sharedKey === undefined,
    ...(typeof outsideAddress === 'string' ? { outsideAddress } : {}),
  };
  return { ok: true, ctx };
}

/** Options every device understands; they are not device knobs. */
const COMMON_OPTIONS = ['outsideAddress'];

function withoutCommonOptions(options: Site['deviceOptions']): Site['deviceOptions'] {
  return Object.fromEntries(Object.entries(options).filter(([k]) => !COMMON_OPTIONS.includes(k)));
}
