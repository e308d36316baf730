/**
 * The lab's "Azure VPN gateway": turns what deploy created (AzureFacts for the gateway, connection and
 * policy; the local network gateway; the connection's shared key) into a strongSwan responder config
 * and a BIRD 2 config, one connection and one BGP protocol per gateway instance.
 *
 * Lab code, written from Azure's documented behaviour and on purpose independent of the product's
 * device tables: the names below map Azure's enum values to strongSwan keywords a second time, so a
 * wrong mapping in the rendering shows up as a failed negotiation instead of being mirrored.
 */
import type { AzureFacts, SiteFacts } from '../../../src/facts/types';
import type { IpsecPolicy, PolicySetting } from '../../../src/hub/types';

/** The local network gateway as Azure holds it (LngModel's fields). */
export interface LabLocalNetworkGateway {
  gatewayIpAddress: string;
  addressPrefixes: string[];
  bgp?: { asn: number; peeringAddress: string };
}

/** A simulated ExpressRoute private peering beside the VPN (the failover drill). */
export interface LabExpressRoute {
  /** The Microsoft edge's address on the direct link. */
  azureIp: string;
  onPremIp: string;
  onPremAsn: number;
  /**
   * How the appliance reaches ExpressRoute's routes. `bgp`: it peers with Microsoft's edge itself. `static`:
   * they reach it by a non-BGP route (an IGP in real networks; a static route with an IGP's distance here),
   * so no BGP runs on the link and Azure's side routes the site's prefixes to the link statically.
   */
  routesVia: 'bgp' | 'static';
}

/** Microsoft's ASN on ExpressRoute private peering. */
export const EXPRESSROUTE_ASN = 12076;

export interface AzureSideInput {
  facts: AzureFacts;
  siteName: string;
  lng: LabLocalNetworkGateway;
  sharedKey: string;
  /** Replaces the connection's policy (negative cases: Azure and the device disagree). */
  policyOverride?: IpsecPolicy;
  /** The lab's tunnel device (kernel-libipsec's TUN device). */
  tunnelInterface: string;
  birdLogFile: string;
  expressRoute?: LabExpressRoute;
  /** The site's prefixes (for ExpressRoute without BGP: what Azure routes to the link). */
  siteAddressSpace?: string[];
}

export interface AzureInstanceConfig {
  index: number;
  /** swanctl connection and child name. */
  connection: string;
  publicIp: string;
  /** Azure's BGP address on this instance for the site (absent without BGP). */
  bgpIp?: string;
  /** The BIRD protocol of this instance's BGP speaker. */
  bgpProtocol?: string;
}

export interface AzureSideConfig {
  swanctlConf: string;
  birdConf: string;
  instances: AzureInstanceConfig[];
  bgpMode: 'none' | 'multihop' | 'apipa';
  expressRouteProtocol?: string;
}

const IKE_ENCRYPTION: Record<string, string> = {
  AES128: 'aes128',
  AES192: 'aes192',
  AES256: 'aes256',
  GCMAES128: 'aes128gcm16',
  GCMAES256: 'aes256gcm16',
  DES3: '3des',
  DES: 'des',
};
const HASH: Record<string, string> = { MD5: 'md5', SHA1: 'sha1', SHA256: 'sha256', SHA384: 'sha384' };
const DH_GROUP: Record<string, string | undefined> = {
  DHGroup1: 'modp768',
  DHGroup2: 'modp1024',
  DHGroup14: 'modp2048',
  DHGroup2048: 'modp2048',
  DHGroup24: 'modp2048s256',
  ECP256: 'ecp256',
  ECP384: 'ecp384',
  None: undefined,
};
const PFS_GROUP: Record<string, string | undefined> = {
  None: undefined,
  PFS1: 'modp768',
  PFS2: 'modp1024',
  PFS2048: 'modp2048',
  PFS14: 'modp2048',
  PFS24: 'modp2048s256',
  ECP256: 'ecp256',
  ECP384: 'ecp384',
};
const ESP_ENCRYPTION: Record<string, string> = {
  AES128: 'aes128',
  AES192: 'aes192',
  AES256: 'aes256',
  GCMAES128: 'aes128gcm16',
  GCMAES192: 'aes192gcm16',
  GCMAES256: 'aes256gcm16',
  DES3: '3des',
  DES: 'des',
};

function lookup(table: Record<string, string | undefined>, field: string, value: string): string | undefined {
  if (!(value in table)) throw new Error(`lab Azure side: no strongSwan keyword for ${field} ${value}`);
  return table[value];
}

/** The single IKE proposal Azure offers and accepts for a custom policy, in strongSwan syntax. */
export function azureIkeProposal(p: IpsecPolicy): string {
  const enc = lookup(IKE_ENCRYPTION, 'ikeEncryption', p.ikeEncryption)!;
  const hash = lookup(HASH, 'ikeIntegrity', p.ikeIntegrity)!;
  const dh = lookup(DH_GROUP, 'dhGroup', p.dhGroup);
  if (!dh) throw new Error('lab Azure side: IKEv2 needs a DH group');
  // With GCM the integrity value is the PRF only; with CBC it is integrity and PRF.
  return p.ikeEncryption.startsWith('GCM') ? `${enc}-prf${hash}-${dh}` : `${enc}-${hash}-${dh}`;
}

/** The single ESP proposal (with the PFS group when there is one), in strongSwan syntax. */
export function azureEspProposal(p: IpsecPolicy): string {
  const enc = lookup(ESP_ENCRYPTION, 'ipsecEncryption', p.ipsecEncryption)!;
  let proposal: string;
  if (p.ipsecEncryption.startsWith('GCM')) {
    if (p.ipsecIntegrity !== p.ipsecEncryption) throw new Error('lab Azure side: GCM encryption needs the same GCM integrity');
    proposal = enc;
  } else {
    proposal = `${enc}-${lookup(HASH, 'ipsecIntegrity', p.ipsecIntegrity)!}`;
  }
  // PFSMM: "same as main mode", the IKE group.
  const pfs = p.pfsGroup === 'PFSMM' ? lookup(DH_GROUP, 'dhGroup', p.dhGroup) : lookup(PFS_GROUP, 'pfsGroup', p.pfsGroup);
  return pfs ? `${proposal}-${pfs}` : proposal;
}

function customPolicy(setting: PolicySetting): IpsecPolicy {
  if (setting === 'azure-default') {
    throw new Error('lab Azure side: the connection has no custom policy (azure-default), which the lab does not model');
  }
  return setting;
}

function quoteSecret(key: string): string {
  if (/["\\\n]/.test(key)) throw new Error('lab Azure side: the shared key holds a character the lab cannot quote');
  return `"${key}"`;
}

function siteFacts(facts: AzureFacts, name: string): SiteFacts {
  const s = facts.sites.find((x) => x.name === name);
  if (!s) throw new Error(`lab Azure side: the facts hold no site "${name}"`);
  return s;
}

function isApipa(ip: string): boolean {
  const [a, b, c] = ip.split('.').map(Number);
  return a === 169 && b === 254 && (c === 21 || c === 22);
}

/** Builds the Azure side's swanctl.conf and bird.conf for one site. Pure. */
export function buildAzureSide(input: AzureSideInput): AzureSideConfig {
  const { facts, lng } = input;
  const site = siteFacts(facts, input.siteName);
  const policy = input.policyOverride ?? customPolicy(site.ipsecPolicy);
  const instances = [...facts.vpnGateway.instances].sort((a, b) => a.index - b.index);
  if (instances.length === 0) throw new Error('lab Azure side: the gateway has no instance');
  const bgp = site.bgpEnabled && lng.bgp ? lng.bgp : undefined;
  if (bgp && site.azureBgpIps.length < instances.length) throw new Error('lab Azure side: fewer BGP addresses than instances');
  const bgpMode: AzureSideConfig['bgpMode'] = !bgp ? 'none' : isApipa(bgp.peeringAddress) ? 'apipa' : 'multihop';

  const configs: AzureInstanceConfig[] = instances.map((inst, i) => ({
    index: inst.index,
    connection: `azure-inst${inst.index}`,
    publicIp: inst.publicIp,
    ...(bgp ? { bgpIp: site.azureBgpIps[i], bgpProtocol: `azure_inst${inst.index}` } : {}),
  }));

  const ike = azureIkeProposal(policy);
  const esp = azureEspProposal(policy);
  // Azure's DPD timeout is the time without an answer before the peer is declared dead; probe at a third of it.
  const dpdDelay = Math.max(3, Math.round(site.dpdTimeoutSeconds / 3));
  const lifeTime = Math.round(policy.saLifeTimeSeconds * 1.05);
  const dataBytes = policy.saDataSizeKilobytes * 1024;

  const conns = configs
    .map(
      (c) => `  ${c.connection} {
    version = 2
    local_addrs = ${c.publicIp}
    remote_addrs = ${lng.gatewayIpAddress}
    proposals = ${ike}
    rekey_time = 28800s
    dpd_delay = ${dpdDelay}s
    mobike = no
    local {
      auth = psk
      id = ${c.publicIp}
    }
    remote {
      auth = psk
      id = ${lng.gatewayIpAddress}
    }
    children {
      ${c.connection} {
        local_ts = 0.0.0.0/0
        remote_ts = 0.0.0.0/0
        esp_proposals = ${esp}
        rekey_time = ${policy.saLifeTimeSeconds}s
        life_time = ${lifeTime}s
        rekey_bytes = ${dataBytes}
        start_action = none
        dpd_action = clear
        close_action = none
      }
    }
  }`,
    )
    .join('\n');
  const secrets = configs
    .map(
      (c) => `  ike-${c.connection} {
    id-1 = ${c.publicIp}
    id-2 = ${lng.gatewayIpAddress}
    secret = ${quoteSecret(input.sharedKey)}
  }`,
    )
    .join('\n');
  const swanctlConf = `# interop lab: the Azure VPN gateway side of connection ${site.connectionName} (responder only)
connections {
${conns}
}
secrets {
${secrets}
}
`;

  return {
    swanctlConf,
    birdConf: buildBird(input, configs, bgp, bgpMode),
    instances: configs,
    bgpMode,
    ...(input.expressRoute ? { expressRouteProtocol: 'expressroute' } : {}),
  };
}

function buildBird(
  input: AzureSideInput,
  configs: AzureInstanceConfig[],
  bgp: LabLocalNetworkGateway['bgp'],
  mode: AzureSideConfig['bgpMode'],
): string {
  const { facts, lng, tunnelInterface: tun } = input;
  const routerId = configs[0].bgpIp ?? configs[0].publicIp;
  const lngRoutes = [...lng.addressPrefixes.map((p) => `  route ${p} via "${tun}";`)];
  if (bgp) lngRoutes.push(`  route ${bgp.peeringAddress}/32 via "${tun}";`);
  // Azure ignores routes from on-prem that fall inside the VNet.
  const notVnet = `!(net ~ [ ${facts.vnetAddressSpace.map((p) => `${p}+`).join(', ')} ])`;
  // Over ExpressRoute Azure learns what on-prem announces (outside the VNet); with BGP on the site the local
  // network gateway lists no prefix, so it cannot be the filter.
  const onPremFilter = bgp ? notVnet : lng.addressPrefixes.length > 0 ? `net ~ [ ${lng.addressPrefixes.map((p) => `${p}+`).join(', ')} ]` : 'false';

  const instances = bgp
    ? configs
        .map(
          (c) => `protocol bgp ${c.bgpProtocol} {
  description "Azure instance ${c.index}";
  debug { states, events };
  local ${c.bgpIp} as ${facts.vpnGateway.asn};
  neighbor ${bgp.peeringAddress} as ${bgp.asn};
  # both instances share this namespace: each listens on its own address only
  strict bind on;
${c.index === configs[0].index ? '' : `  # BIRD 2.0.12 runs one session per (neighbor, port, interface, VRF): the second speaker to the same
  # neighbor needs another VRF; binding it to the tunnel device is harmless, its session runs through it
  vrf "${tun}";
`}  multihop 8;
${mode === 'apipa' ? '  # Azure never initiates BGP from an APIPA address\n  passive on;\n' : ''}  hold time 180;
  keepalive time 60;
  connect delay time 1;
  connect retry time 2;
  error wait time 1, 10;
  ipv4 {
    import where ${notVnet};
    receive limit 4000 action disable;
    export where proto = "vnet";
    next hop self;
    gateway recursive;
  };
}
`,
        )
        .join('\n')
    : '';

  const er = input.expressRoute?.routesVia === 'static'
    ? `# ExpressRoute private peering (simulated, no BGP on the link): the site's prefixes via the link while it is up
protocol static expressroute {
  check link on;
  ipv4 { preference 300; };
${(input.siteAddressSpace ?? []).map((p) => `  route ${p} via ${input.expressRoute!.onPremIp};`).join('\n')}
}
`
    : input.expressRoute
    ? `# ExpressRoute private peering (simulated): Azure prefers it over the VPN for the same prefix
protocol bgp expressroute {
  debug { states, events };
  local ${input.expressRoute.azureIp} as ${EXPRESSROUTE_ASN};
  neighbor ${input.expressRoute.onPremIp} as ${input.expressRoute.onPremAsn};
  strict bind on;
  direct;
  connect retry time 1;
  error wait time 1, 5;
  ipv4 {
    preference 300;
    import where ${onPremFilter};
    export where proto = "vnet";
    next hop self;
  };
}
`
    : '';

  return `# interop lab: the Azure VPN gateway's BGP speaker(s) and routes
log "${input.birdLogFile}" all;
router id ${routerId};

protocol device {
  scan time 2;
}

protocol kernel {
  ipv4 {
    # what Azure routes into the tunnel (and learned routes); the VNet anchors stay out of the kernel
    export where proto = "lng_routes" || proto = "expressroute" || source = RTS_BGP;
  };
}

# the VNet prefixes Azure announces (anchors)
protocol static vnet {
  ipv4;
${facts.vnetAddressSpace.map((p) => `  route ${p} blackhole;`).join('\n')}
}

# the local network gateway's prefixes${bgp ? ' and the /32 of its BGP peer' : ''}, routed into the tunnel
protocol static lng_routes {
  ipv4 { preference 150; };
${lngRoutes.join('\n')}
}

${instances}${er}`;
}
