/**
 * `tunnelsmith import`: a hub file from what a resource group already holds (a hand-built setup), so
 * tunnelsmith can manage it from now on. Pure: the resources come in (`importRead.ts` reads them), the
 * hub file's content and the notes for the user go out.
 *
 * The file is written so that `deploy` adopts everything as it is, with no write: every name is
 * explicit (gateways, public IPs, local network gateways, connections), a connection without a custom
 * IPsec policy keeps Azure's default (`ipsecPolicy: azure-default`), and shared keys stay in Azure (no
 * `sharedKey`: deploy never changes an existing key and render reads Azure's). What cannot be known from
 * Azure, the appliance behind each site, is the `--device` given, else a placeholder `validate` refuses.
 * What Azure holds that tunnelsmith cannot keep (a retired SKU, a Basic public IP, IKEv1) is reported.
 */
import { Document, isMap, isSeq, type Node as YamlNode } from 'yaml';
import { AzureError, UsageError, type Problem } from '../errors';
import { defaultExpressRoutePublicIpName, defaultPublicIpNames, IMPORT_DEVICE_PLACEHOLDER } from '../hub/defaults';
import { AZURE_DEFAULT_ASN } from '../hub/azureValues';
import { DEVICE_IDS } from '../hub/deviceIds';
import { SITE_NAME } from '../hub/patterns';
import { AZURE_DEFAULT_DPD_TIMEOUT_SECONDS } from '../policy/catalog';
import type { IpsecPolicy } from '../hub/types';
import { nameFromId, sameId, type CircuitModel, type ConnectionModel, type GatewayModel, type LngModel, type PublicIpModel, type VnetModel } from './client/model';
import { GATEWAY_SUBNET } from './resources/virtualNetwork';
import { azTwinOf, BASIC_PUBLIC_IP_MIGRATION, retiredVpnSku } from './resources/skus';
import { compareCodeUnits } from '../util/compare';
import { orList } from '../util/orList';

/** Everything of interest in the resource group. */
export interface ImportSnapshot {
  subscriptionId: string;
  resourceGroup: string;
  vnets: VnetModel[];
  gateways: GatewayModel[];
  localNetworkGateways: LngModel[];
  connections: ConnectionModel[];
  publicIps: PublicIpModel[];
  circuits: CircuitModel[];
}

export interface ImportOptions {
  /** The device of every site; absent: the placeholder the user must replace. */
  device?: string;
  /** The VNet to import when the group holds several. */
  vnet?: string;
}

/** The hub file as plain data, in the order hub-file.md documents its keys. */
export interface ImportedHub {
  azure: {
    subscriptionId: string;
    resourceGroup: string;
    location: string;
    vnet: { name: string; addressSpace: string[]; gatewaySubnet: string; subnets?: Array<{ name: string; prefix: string }> };
    vpnGateway: { name: string; sku: string; activeActive?: boolean; asn?: number; apipaBgpIps?: string[]; publicIpNames?: string[] };
    expressRoute?: { gatewayName: string; sku: string; circuitId?: string; connectionName?: string; publicIpName?: string };
  };
  sites: ImportedSite[];
}

export interface ImportedSite {
  name: string;
  device: string;
  publicIp: string;
  addressSpace: string[];
  bgp?: { asn: number; peerIp: string };
  localNetworkGatewayName: string;
  connectionName: string;
  ipsecPolicy: IpsecPolicy | 'azure-default';
  dpdTimeoutSeconds?: number;
}

export interface ImportResult {
  hub: ImportedHub;
  /** What the user should know: retired SKUs with their migration path, what was left out, what deploy would change. */
  notes: Problem[];
  /** Sites whose device is the placeholder. */
  placeholders: number;
  /** BGP sites whose prefixes Azure's configuration does not tell (addressSpace left empty for the user). */
  unknownPrefixes: number;
  /** Comments to place on keys of the file: path (as `yaml` getIn takes it) -> text. */
  comments: Array<{ path: Array<string | number>; text: string }>;
}


function note(path: string, message: string, fix?: string): Problem {
  return { path, message, severity: 'warning', ...(fix ? { fix } : {}) };
}

/** The VNet a gateway sits in (through its GatewaySubnet), by name. */
function vnetOfGateway(gw: GatewayModel): string | undefined {
  const subnet = gw.ipConfigurations[0]?.subnetId ?? '';
  const m = /\/virtualNetworks\/([^/]+)\/subnets\//i.exec(subnet);
  return m?.[1];
}

/** A site name from a connection name: lowercase letters, digits and '-', at most 40, without a `cn-` prefix. Pure. */
export function siteNameFrom(connectionName: string, taken: ReadonlySet<string>): string {
  let base = connectionName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  if (base.startsWith('cn-') && base.length > 3) base = base.slice(3);
  base = base.slice(0, 40).replace(/-$/, '') || 'site';
  if (!SITE_NAME.test(base)) base = 'site';
  let name = base;
  for (let i = 2; taken.has(name); i++) {
    const suffix = `-${i}`;
    name = `${base.slice(0, 40 - suffix.length).replace(/-$/, '')}${suffix}`;
  }
  return name;
}

function samePolicyless(cn: ConnectionModel): boolean {
  return cn.ipsecPolicy === undefined;
}

/**
 * Builds the hub file for one resource group. Pure.
 * Throws AzureError `NothingToImport` when the group has no VNet or no VPN gateway, UsageError when the
 * VNet to import is ambiguous.
 */
export function buildImportedHub(snap: ImportSnapshot, opts: ImportOptions = {}): ImportResult {
  const notes: Problem[] = [];
  const comments: ImportResult['comments'] = [];
  const rg = snap.resourceGroup;
  const vnet = chooseVnet(snap, opts.vnet);
  const inVnet = snap.gateways.filter((g) => (vnetOfGateway(g) ?? '').toLowerCase() === vnet.name.toLowerCase());
  const vpn = inVnet.find((g) => g.gatewayType.toLowerCase() === 'vpn');
  const er = inVnet.find((g) => g.gatewayType.toLowerCase() === 'expressroute');
  if (!vpn) {
    throw new AzureError('NothingToImport', `VNet ${vnet.name} in resource group ${rg} has no VPN gateway; a hub needs one`, { resource: vnet.name }, 'create the VPN gateway with tunnelsmith: write the hub file by hand (see the README) and run tunnelsmith deploy');
  }
  const gatewaySubnet = vnet.subnets.find((s) => s.name.toLowerCase() === GATEWAY_SUBNET.toLowerCase());
  if (!gatewaySubnet) {
    throw new AzureError('NothingToImport', `VNet ${vnet.name} has no GatewaySubnet, yet gateway ${vpn.name} uses it`, { resource: vnet.name }, 'check the resource group in the Azure portal');
  }
  const pipName = (id: string) => nameFromId(id) ?? id;
  const pipOf = (id: string) => snap.publicIps.find((p) => sameId(p.id, id) || p.name.toLowerCase() === pipName(id).toLowerCase());

  // ---- azure
  const subnets = vnet.subnets.filter((s) => s !== gatewaySubnet).map((s) => ({ name: s.name, prefix: s.addressPrefix }));
  const hub: ImportedHub = {
    azure: {
      subscriptionId: snap.subscriptionId,
      resourceGroup: rg,
      location: vnet.location.replace(/\s+/g, '').toLowerCase(),
      vnet: { name: vnet.name, addressSpace: [...vnet.addressSpace], gatewaySubnet: gatewaySubnet.addressPrefix, ...(subnets.length > 0 ? { subnets } : {}) },
      vpnGateway: importVpnGateway(vpn, pipName, notes, comments),
    },
    sites: [],
  };
  for (const [i, c] of vpn.ipConfigurations.entries()) {
    const pip = pipOf(c.publicIpId);
    if (pip && pip.sku.toLowerCase() === 'basic') {
      notes.push(note(`azure.vpnGateway.publicIpNames[${i}]`, `VPN gateway ${vpn.name} uses public IP ${pip.name} of the retired Basic SKU; deploy refuses it until it is Standard`, BASIC_PUBLIC_IP_MIGRATION));
    }
  }

  // ---- ExpressRoute
  if (er) {
    const erConnections = snap.connections.filter((c) => sameId(c.gatewayId, er.id) || (!er.id && pipName(c.gatewayId) === er.name));
    const erPip = er.ipConfigurations[0]?.publicIpId;
    const erPipName = erPip ? pipName(erPip) : undefined;
    const cn = erConnections.find((c) => c.connectionType.toLowerCase() === 'expressroute' && c.circuitId);
    hub.azure.expressRoute = {
      gatewayName: er.name,
      sku: er.sku,
      ...(cn ? { circuitId: cn.circuitId!, connectionName: cn.name } : {}),
      ...(erPipName && erPipName !== defaultExpressRoutePublicIpName(er.name) ? { publicIpName: erPipName } : {}),
    };
    const erPipModel = erPip ? pipOf(erPip) : undefined;
    if (erPipModel && erPipModel.sku.toLowerCase() === 'basic') {
      notes.push(note('azure.expressRoute.publicIpName', `ExpressRoute gateway ${er.name} uses public IP ${erPipModel.name} of the retired Basic SKU; deploy refuses it until it is Standard`, BASIC_PUBLIC_IP_MIGRATION));
    }
    if (!erPip) {
      notes.push(note('azure.expressRoute', `ExpressRoute gateway ${er.name} has no public IP of its own; deploy would ask for ${defaultExpressRoutePublicIpName(er.name)}`, 'check the gateway in the Azure portal before you deploy'));
    }
    for (const extra of erConnections.filter((c) => c !== cn)) {
      notes.push(note('azure.expressRoute', `connection ${extra.name} of ExpressRoute gateway ${er.name} is left out (a hub connects one circuit)`, 'it stays in Azure untouched'));
    }
    if (!cn) {
      const circuits = snap.circuits.map((c) => `${c.name} (${c.id})`);
      notes.push(note(
        'azure.expressRoute.circuitId',
        `ExpressRoute gateway ${er.name} is connected to no circuit`,
        circuits.length > 0 ? `to connect it, add circuitId: with the id of ${circuits.join(' or ')}` : 'add circuitId: (a circuit the provider provisioned) or circuit: (one tunnelsmith creates)',
      ));
    }
  }

  // ---- sites
  const taken = new Set<string>();
  let placeholders = 0;
  let unknownPrefixes = 0;
  const ipsec = snap.connections
    .filter((c) => sameId(c.gatewayId, vpn.id) || (!vpn.id && pipName(c.gatewayId) === vpn.name))
    .sort((a, b) => compareCodeUnits(a.name, b.name));
  for (const cn of ipsec) {
    if (cn.connectionType.toLowerCase() !== 'ipsec') {
      notes.push(note('sites', `connection ${cn.name} of VPN gateway ${vpn.name} is a ${cn.connectionType} connection, not a site-to-site one; it is left out`, 'it stays in Azure untouched'));
      continue;
    }
    const lng = snap.localNetworkGateways.find((l) => sameId(l.id, cn.localNetworkGatewayId) || l.name.toLowerCase() === (nameFromId(cn.localNetworkGatewayId) ?? '').toLowerCase());
    if (!lng) {
      notes.push(note('sites', `connection ${cn.name} names local network gateway ${nameFromId(cn.localNetworkGatewayId) ?? '(none)'}, which is not in resource group ${rg}; it is left out`, 'import the group that holds it, or describe the site by hand'));
      continue;
    }
    if (!lng.gatewayIpAddress) {
      notes.push(note('sites', `local network gateway ${lng.name} names its device by FQDN, not by address; connection ${cn.name} is left out`, 'describe the site by hand with the appliance\'s public IPv4 address'));
      continue;
    }
    const index = hub.sites.length;
    const path = `sites[${index}]`;
    const name = siteNameFrom(cn.name, taken);
    taken.add(name);
    const bgp = cn.enableBgp && lng.bgp ? { asn: lng.bgp.asn, peerIp: lng.bgp.peeringAddress } : undefined;
    // Only what the local network gateway holds, and never the BGP peer's host route (Azure adds it itself).
    const peerRoute = bgp ? `${bgp.peerIp}/32` : undefined;
    const addressSpace = lng.addressPrefixes.filter((p) => p !== peerRoute);
    if (peerRoute && lng.addressPrefixes.includes(peerRoute)) {
      notes.push(note(`${path}.localNetworkGatewayPrefixes`, `local network gateway ${lng.name} lists the BGP peer's own ${peerRoute}, which Azure adds by itself; it is not written as a site prefix, and deploy leaves it on the gateway`, 'set localNetworkGatewayPrefixes to the prefixes to keep (e.g. []) to remove it'));
    }
    if (addressSpace.length === 0) {
      if (bgp) {
        unknownPrefixes++;
        comments.push({ path: ['sites', index, 'addressSpace'], text: ' tunnelsmith import: write the prefixes this site announces over BGP (its local network gateway lists none: Azure learns them over BGP)' });
        notes.push(note(`${path}.addressSpace`, `local network gateway ${lng.name} lists no prefix: Azure learns the site's routes over BGP, so Azure's configuration does not say which prefixes the site owns; addressSpace is left empty and validate refuses the file until you write them`, 'write the prefixes the site announces over BGP (the device configs announce and filter them); deploy keeps the local network gateway empty'));
      } else {
        notes.push(note(`${path}.addressSpace`, `local network gateway ${lng.name} lists no prefix and connection ${cn.name} has no BGP: the site routes nothing`, 'write the site\'s prefixes'));
      }
    }
    const device = opts.device ?? IMPORT_DEVICE_PLACEHOLDER;
    if (!opts.device) {
      placeholders++;
      comments.push({ path: ['sites', index, 'device'], text: ` tunnelsmith import: write the appliance: ${orList(DEVICE_IDS)}` });
    }
    if (samePolicyless(cn)) {
      notes.push(note(`${path}.ipsecPolicy`, `connection ${cn.name} has no custom IPsec policy: Azure's default proposals (weak: DH group 2, no PFS) stay, written as azure-default`, 'set a policy (or remove ipsecPolicy for the secure default) when the device is ready for it; deploy then updates the connection'));
    }
    if (cn.connectionProtocol && cn.connectionProtocol.toUpperCase() !== 'IKEV2') {
      notes.push(note(
        `sites[${index}]`,
        `connection ${cn.name} uses ${cn.connectionProtocol}; tunnelsmith manages IKEv2 connections, and Azure cannot change a connection's protocol in place: deploy plans a replacement (the connection is deleted and created again as IKEv2 with the key it has now; the tunnel is down in between) and does it only with deploy --allow-recreate`,
        'move the device to IKEv2, then run tunnelsmith deploy --allow-recreate in a maintenance window',
      ));
    }
    const site: ImportedSite = {
      name,
      device,
      publicIp: lng.gatewayIpAddress,
      addressSpace,
      ...(bgp ? { bgp } : {}),
      localNetworkGatewayName: lng.name,
      connectionName: cn.name,
      ipsecPolicy: cn.ipsecPolicy ? { ...cn.ipsecPolicy } : 'azure-default',
      ...(cn.dpdTimeoutSeconds !== undefined && cn.dpdTimeoutSeconds !== AZURE_DEFAULT_DPD_TIMEOUT_SECONDS ? { dpdTimeoutSeconds: cn.dpdTimeoutSeconds } : {}),
    };
    hub.sites.push(site);
  }
  if (hub.sites.length === 0) notes.push(note('sites', `VPN gateway ${vpn.name} has no site-to-site connection to import`, 'add the sites to the hub file by hand'));
  for (const other of snap.gateways.filter((g) => !inVnet.includes(g))) {
    notes.push(note('azure', `gateway ${other.name} sits in VNet ${vnetOfGateway(other) ?? '(unknown)'}, not ${vnet.name}; it is left out`, 'import that VNet with --vnet to manage it in its own hub file'));
  }
  return { hub, notes, placeholders, unknownPrefixes, comments };
}

function chooseVnet(snap: ImportSnapshot, wanted: string | undefined): VnetModel {
  if (wanted) {
    const v = snap.vnets.find((x) => x.name.toLowerCase() === wanted.toLowerCase());
    if (!v) throw new UsageError('VnetNotFound', `resource group ${snap.resourceGroup} has no VNet ${wanted}`, `name one of: ${snap.vnets.map((x) => x.name).join(', ') || '(none)'}`);
    return v;
  }
  if (snap.vnets.length === 0) {
    throw new AzureError('NothingToImport', `resource group ${snap.resourceGroup} holds no virtual network`, { resource: snap.resourceGroup, statusCode: 404 }, 'check --resource-group and the subscription (AZURE_SUBSCRIPTION_ID or --subscription)');
  }
  if (snap.vnets.length === 1) return snap.vnets[0];
  const withVpn = snap.vnets.filter((v) => snap.gateways.some((g) => g.gatewayType.toLowerCase() === 'vpn' && (vnetOfGateway(g) ?? '').toLowerCase() === v.name.toLowerCase()));
  if (withVpn.length === 1) return withVpn[0];
  throw new UsageError('VnetAmbiguous', `resource group ${snap.resourceGroup} holds ${snap.vnets.length} virtual networks (${snap.vnets.map((v) => v.name).join(', ')})`, 'name the hub\'s VNet with --vnet NAME');
}

function importVpnGateway(vpn: GatewayModel, pipName: (id: string) => string, notes: Problem[], comments: ImportResult['comments']): ImportedHub['azure']['vpnGateway'] {
  let sku = vpn.sku;
  const retired = retiredVpnSku(vpn.sku);
  if (retired) {
    sku = retired.target;
    notes.push(note('azure.vpnGateway.sku', `VPN gateway ${vpn.name} has the retired ${vpn.sku} SKU; written as ${retired.target}, its migration target, so deploy refuses until the gateway is migrated`, retired.migration));
    comments.push({ path: ['azure', 'vpnGateway', 'sku'], text: ` Azure holds the retired ${vpn.sku} SKU: see tunnelsmith import's notes` });
  } else if (azTwinOf(vpn.sku)) {
    notes.push(note('azure.vpnGateway.sku', `VPN gateway ${vpn.name} is ${vpn.sku}, a non-AZ SKU Azure no longer creates; written as it is: deploy adopts it (no write), and Microsoft migrates it to ${azTwinOf(vpn.sku)} itself, keeping its public IP`, `once Microsoft has migrated it, set sku: ${azTwinOf(vpn.sku)}`));
  } else if (vpn.sku.toLowerCase() === 'basic') {
    sku = 'VpnGw1AZ';
    notes.push(note('azure.vpnGateway.sku', `VPN gateway ${vpn.name} is Basic (no BGP, no custom policy, no coexistence with ExpressRoute); written as VpnGw1AZ, so deploy refuses until the gateway is replaced`, 'delete the gateway (its connections first: the tunnels drop) and deploy again to create a VpnGw1AZ gateway'));
    comments.push({ path: ['azure', 'vpnGateway', 'sku'], text: ' Azure holds a Basic gateway: see tunnelsmith import\'s notes' });
  }
  if (vpn.vpnType && vpn.vpnType.toLowerCase() !== 'routebased') {
    notes.push(note('azure.vpnGateway.name', `VPN gateway ${vpn.name} is ${vpn.vpnType}; tunnelsmith manages route-based gateways only, so deploy refuses it`, 'delete the gateway (its connections first) and deploy again to create a route-based one'));
  }
  const activeActive = vpn.activeActive;
  const publicIpNames = vpn.ipConfigurations.map((c) => pipName(c.publicIpId));
  const defaults = defaultPublicIpNames(vpn.name, activeActive);
  const apipa = vpn.ipConfigurations.map((c) => vpn.bgpPeeringAddresses.find((b) => sameId(b.ipConfigurationId, c.id))?.customBgpIps[0]);
  const apipaBgpIps = apipa.filter((a): a is string => a !== undefined);
  if (apipaBgpIps.length > 0 && apipaBgpIps.length !== apipa.length) {
    notes.push(note('azure.vpnGateway.apipaBgpIps', `only ${apipaBgpIps.length} of the ${apipa.length} instances of VPN gateway ${vpn.name} have a custom APIPA BGP address`, 'give every instance one (169.254.21.0-169.254.22.255) before deploying'));
  }
  return {
    name: vpn.name,
    sku,
    ...(activeActive ? { activeActive: true } : {}),
    ...(vpn.enableBgp && vpn.asn !== undefined && vpn.asn !== AZURE_DEFAULT_ASN ? { asn: vpn.asn } : {}),
    ...(apipaBgpIps.length > 0 ? { apipaBgpIps } : {}),
    ...(publicIpNames.length !== defaults.length || publicIpNames.some((n, i) => n !== defaults[i]) ? { publicIpNames } : {}),
  };
}

/**
 * The hub file's text: a header saying where it came from and what to do next, the content in
 * hub-file.md's style (short lists inline), and the comments on the keys that need attention. Pure.
 */
export function renderImportedHub(result: ImportResult): string {
  const doc = new Document(result.hub);
  const header = [
    ` Written by tunnelsmith import from resource group ${result.hub.azure.resourceGroup}.`,
    ' Check it, then: tunnelsmith validate; tunnelsmith deploy --plan (nothing to change when it matches Azure).',
    ' Resources that existed before are adopted as they are and never tagged, so tunnelsmith destroy leaves them.',
  ];
  if (result.placeholders > 0) header.push(` ${result.placeholders} site(s) have device: ${IMPORT_DEVICE_PLACEHOLDER}: write each appliance before validate accepts the file.`);
  if (result.unknownPrefixes > 0) header.push(` ${result.unknownPrefixes} BGP site(s) have an empty addressSpace: write the prefixes each announces before validate accepts the file.`);
  doc.commentBefore = header.join('\n');
  const inline = (n: unknown) => {
    if (isSeq(n) && n.items.every((i) => !isMap(i) && !isSeq(i))) n.flow = true;
  };
  visitNodes(doc.contents as YamlNode, (n, key) => {
    if (key === 'addressSpace' || key === 'apipaBgpIps' || key === 'publicIpNames') inline(n);
    if (key === 'bgp' && isMap(n)) n.flow = true;
    if (isMap(n) && key === undefined && n.items.length === 2 && n.items.every((p) => ['name', 'prefix'].includes(String((p.key as { value?: unknown })?.value)))) n.flow = true;
  });
  for (const c of result.comments) {
    const node = doc.getIn(c.path, true) as { comment?: string } | undefined;
    if (node) node.comment = c.text;
  }
  return doc.toString({ lineWidth: 0 });
}

function visitNodes(node: YamlNode | null | undefined, fn: (n: YamlNode, key: string | undefined) => void, key?: string): void {
  if (!node) return;
  fn(node, key);
  if (isMap(node)) for (const p of node.items) visitNodes(p.value as YamlNode, fn, String((p.key as { value?: unknown })?.value));
  else if (isSeq(node)) for (const item of node.items) visitNodes(item as YamlNode, fn, undefined);
}
