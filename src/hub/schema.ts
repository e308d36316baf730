/**
 * The raw hub file shape (hub-file.md), as zod 4 schemas. Every object is strict (an unknown key is an
 * error: a typo must not fall back to a default) and every string has an anchored character class from
 * `patterns.ts`, so nothing accepted can inject a line into a device config. Optional fields stay
 * optional here; `normalize.ts` applies the defaults. The published JSON Schema is generated from
 * `HubFileSchema` (`buildHubJsonSchema`).
 */
import './zodWithoutCodegen';
import * as z from 'zod';
import { DEVICE_IDS } from './deviceIds';
import { DEFAULT_EXPRESS_ROUTE_ROUTES_VIA, EXPRESS_ROUTE_ROUTES_VIA } from './types';
import { POLICY_CATALOG, MIN_SA_DATA_SIZE_KB, MIN_SA_LIFETIME_SECONDS, SECURE_DEFAULT_POLICY, type PolicyEnumField } from '../policy/catalog';
import {
  AZURE_DEFAULT_ASN, CIRCUIT_BANDWIDTHS_MBPS, CIRCUIT_SKU_FAMILIES, CIRCUIT_SKU_TIERS, DPD_TIMEOUT_RANGE,
  EXPRESS_ROUTE_GATEWAY_SKUS, MAX_ASN, MAX_INT32, VPN_GATEWAY_SKUS,
} from './azureValues';
import * as P from './patterns';

const ipv4 = (what: string) =>
  z.string().regex(P.IPV4_ADDRESS, { error: `must be an IPv4 address like 192.0.2.10 (${what})` });
const cidr = (what: string) =>
  z.string().regex(P.IPV4_CIDR, { error: `must be an IPv4 prefix like 10.0.0.0/16 (${what})` });
const resourceName = (what: string) =>
  z.string().regex(P.RESOURCE_NAME, {
    error: `must be an Azure resource name (${what}): 1..80 letters, digits, '_', '.', '-', starting with a letter or digit and ending with a letter, digit or '_'`,
  });
const asn = () =>
  z.number().int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).max(MAX_ASN, { error: `must be at most ${MAX_ASN}` });

export const SecretRefSchema = z
  .union([
    z.strictObject({
      env: z.string().regex(P.ENV_NAME, { error: 'must be an environment variable name: letters, digits and _, not starting with a digit' })
        .describe('Name of the environment variable that holds the secret'),
    }),
    z.strictObject({
      file: z.string().regex(P.SECRET_FILE_PATH, { error: "must be a file path (relative to the hub file) without control characters, quotes, backslashes, braces, ';', '$' or '`'" })
        .describe('Path of a file holding the secret (relative to the hub file; mode 0600; trailing newlines are trimmed)'),
    }),
    z.strictObject({
      keyVault: z.strictObject({
        vaultName: z.string().regex(P.KEY_VAULT_NAME, { error: 'must be a Key Vault name: 3..24 letters, digits and single hyphens, starting with a letter' })
          .describe('Key Vault name (https://<vaultName>.vault.azure.net)'),
        secretName: z.string().regex(P.KEY_VAULT_SECRET_NAME, { error: 'must be a Key Vault secret name: 1..127 letters, digits and hyphens' })
          .describe('Name of the secret in the vault'),
      }),
    }),
  ])
  .describe('A reference to a secret, never the secret itself: { env: NAME }, { file: PATH } or { keyVault: { vaultName, secretName } }');

const policyEnum = (field: PolicyEnumField, description: string) => {
  const catalog = POLICY_CATALOG[field];
  const accepted = catalog.documented.filter((v) => !(v in catalog.refused));
  return z.enum(accepted as [string, ...string[]]).describe(
    `${description}. Weak (accepted with a warning): ${catalog.weak.length ? catalog.weak.join(', ') : 'none'}`,
  );
};

export const IpsecPolicySchema = z
  .strictObject({
    ikeEncryption: policyEnum('ikeEncryption', 'IKE (phase 1) encryption'),
    ikeIntegrity: policyEnum('ikeIntegrity', 'IKE integrity; with GCM IKE encryption it is the PRF'),
    dhGroup: policyEnum('dhGroup', 'IKE Diffie-Hellman group'),
    ipsecEncryption: policyEnum('ipsecEncryption', 'IPsec (ESP) encryption; a GCM value needs the identical ipsecIntegrity'),
    ipsecIntegrity: policyEnum('ipsecIntegrity', 'IPsec (ESP) integrity'),
    pfsGroup: policyEnum('pfsGroup', 'Perfect forward secrecy group of the IPsec SA (None: no PFS)'),
    saLifeTimeSeconds: z.number().int({ error: 'must be a whole number of seconds' })
      .min(MIN_SA_LIFETIME_SECONDS, { error: `must be at least ${MIN_SA_LIFETIME_SECONDS} seconds` })
      .max(MAX_INT32, { error: `must be at most ${MAX_INT32}` })
      .describe('IPsec SA lifetime in seconds (Azure default 27000)'),
    saDataSizeKilobytes: z.number().int({ error: 'must be a whole number of kilobytes' })
      .min(MIN_SA_DATA_SIZE_KB, { error: `must be at least ${MIN_SA_DATA_SIZE_KB} KB` })
      .max(MAX_INT32, { error: `must be at most ${MAX_INT32}` })
      .describe('IPsec SA data size in kilobytes (Azure default 102400000)'),
  })
  .describe('A custom IPsec/IKE policy: all eight fields');

export const PolicySettingSchema = z
  .union([z.literal('azure-default').describe("Azure's own default proposals (DH group 2, no PFS: weak, warned)"), IpsecPolicySchema])
  .meta({ description: 'The connection\'s IPsec/IKE policy. Default: the secure default policy', default: { ...SECURE_DEFAULT_POLICY } });

export const SubnetSchema = z.strictObject({
  name: resourceName('subnet name').describe('Subnet name (not GatewaySubnet: that one is azure.vnet.gatewaySubnet)'),
  prefix: cidr('subnet prefix').describe('Subnet prefix, inside the VNet address space'),
});

export const VnetSchema = z
  .strictObject({
    name: resourceName('VNet name').describe('Virtual network name'),
    addressSpace: z.array(cidr('VNet address space')).min(1, { error: 'needs at least one prefix' }).max(64, { error: 'holds at most 64 prefixes' })
      .describe('VNet address prefixes'),
    gatewaySubnet: cidr('GatewaySubnet').describe('The GatewaySubnet prefix: inside addressSpace; /27 or larger when expressRoute is set'),
    subnets: z.array(SubnetSchema).max(256, { error: 'holds at most 256 subnets' }).optional().describe('Optional application subnets'),
    spokePrefixes: z.array(cidr('spoke prefix')).max(256, { error: 'holds at most 256 prefixes' }).optional()
      .describe("Prefixes of peered spoke VNets that use this hub's gateways: accepted from Azure on every device like the VNet's own (with their more specifics); must not overlap the VNet or any site"),
  })
  .describe('The hub virtual network');

export const VpnGatewaySchema = z
  .strictObject({
    name: resourceName('VPN gateway name').describe('VPN gateway name'),
    sku: z.enum(VPN_GATEWAY_SKUS).describe('VPN gateway SKU (Basic is refused: no BGP, no coexistence)'),
    activeActive: z.boolean().optional().meta({ description: 'Two instances, two public IPs, two tunnels per site', default: false }),
    asn: asn().optional().meta({ description: "The gateway's BGP ASN: 65515 or an ASN Azure does not reserve", default: AZURE_DEFAULT_ASN }),
    apipaBgpIps: z.array(ipv4('custom APIPA BGP address')).min(1, { error: 'needs one address per gateway instance' }).max(2, { error: 'holds at most two addresses (one per instance)' })
      .optional().describe('Custom APIPA BGP addresses (169.254.21.0-169.254.22.255), one per gateway instance'),
    publicIpNames: z.array(resourceName('public IP name')).min(1, { error: 'needs one name per gateway instance' }).max(2, { error: 'holds at most two names (one per instance)' })
      .optional().describe('Public IP resource names, one per instance. Default <name>-pip1 (and <name>-pip2 when active-active)'),
  })
  .describe('The route-based VPN gateway');

export const CircuitSchema = z
  .strictObject({
    name: resourceName('circuit name').describe('ExpressRoute circuit name'),
    serviceProviderName: z.string().regex(P.PROVIDER_TEXT, { error: "must be a provider name: letters, digits, spaces and . _ & ( ) , / -" })
      .describe('Connectivity provider, e.g. Equinix'),
    peeringLocation: z.string().regex(P.PROVIDER_TEXT, { error: "must be a peering location: letters, digits, spaces and . _ & ( ) , / -" })
      .describe('Peering location, e.g. Silicon Valley'),
    bandwidthInMbps: z.union(CIRCUIT_BANDWIDTHS_MBPS.map((b) => z.literal(b)) as unknown as [z.ZodLiteral<number>, z.ZodLiteral<number>, ...z.ZodLiteral<number>[]])
      .describe('Circuit bandwidth in Mbps'),
    skuTier: z.enum(CIRCUIT_SKU_TIERS).describe('Circuit SKU tier'),
    skuFamily: z.enum(CIRCUIT_SKU_FAMILIES).describe('Circuit billing model'),
  })
  .describe('A circuit tunnelsmith creates (instead of circuitId); the provider then provisions it');

export const ExpressRouteSchema = z
  .strictObject({
    gatewayName: resourceName('ExpressRoute gateway name').describe('ExpressRoute gateway name'),
    sku: z.enum(EXPRESS_ROUTE_GATEWAY_SKUS).describe('ExpressRoute gateway SKU'),
    circuitId: z.string().regex(P.CIRCUIT_ID, { error: 'must be a circuit resource id: /subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.Network/expressRouteCircuits/<name>' })
      .optional().describe('Resource id of an existing circuit to connect (never together with circuit)'),
    connectionName: resourceName('ExpressRoute connection name').optional()
      .describe("The gateway's connection to the circuit. Default <gatewayName>-cn"),
    publicIpName: resourceName('public IP name').optional()
      .describe("The ExpressRoute gateway's public IP. Default <gatewayName>-pip1 (name an existing gateway's own IP to adopt it)"),
    authorizationKey: SecretRefSchema.optional().describe('Authorization key reference, for a circuitId in another subscription'),
    circuit: CircuitSchema.optional(),
  })
  .describe('The ExpressRoute gateway; omit for a VPN-only hub');

export const AzureSchema = z
  .strictObject({
    subscriptionId: z.string().regex(P.GUID, { error: 'must be a subscription id (a GUID)' }).optional()
      .describe('Subscription id; else the environment variable AZURE_SUBSCRIPTION_ID'),
    resourceGroup: z.string().regex(P.RESOURCE_GROUP_NAME, { error: "must be a resource group name: 1..90 letters, digits, '_', '.', '-', '(', ')', not ending with '.'" })
      .describe('Resource group of the hub'),
    location: z.string().regex(P.LOCATION, { error: 'must be an Azure region short name like centralus (lowercase, no spaces)' })
      .describe('Azure region short name, e.g. centralus'),
    vnet: VnetSchema,
    vpnGateway: VpnGatewaySchema,
    expressRoute: ExpressRouteSchema.optional(),
  })
  .describe('The Azure side of the hub');

export const SiteBgpSchema = z
  .strictObject({
    asn: asn().describe("The appliance's ASN: differs from the gateway's, not reserved by Azure"),
    peerIp: ipv4('BGP address').describe("The appliance's BGP address: a loopback, or an APIPA address in 169.254.21.0-169.254.22.255"),
  })
  .describe('BGP on the connection; omit for static routing');

export const DeviceOptionValueSchema = z
  .union([
    z.string().regex(P.DEVICE_OPTION_TEXT, { error: "must be 1..64 letters, digits, spaces and / . _ : - (no quotes, no ';', no newline)" }),
    z.number().int({ error: 'must be a whole number' }).min(0, { error: 'must be at least 0' }).max(MAX_INT32, { error: `must be at most ${MAX_INT32}` }),
  ])
  .describe('A device option value');

export const SiteSchema = z
  .strictObject({
    name: z.string().regex(P.SITE_NAME, { error: "must be 1..40 lowercase letters, digits and '-', starting and ending with a letter or digit" })
      .describe('Site name: unique; used in file names and default resource names'),
    device: z.enum(DEVICE_IDS).describe("The appliance's device type"),
    publicIp: ipv4('public address').describe("The appliance's public IPv4 address (its IKE identity)"),
    addressSpace: z.array(cidr('on-premises prefix')).min(1, { error: 'needs at least one prefix' }).max(256, { error: 'holds at most 256 prefixes' })
      .describe('On-premises prefixes: must not overlap the VNet or other sites'),
    localNetworkGatewayPrefixes: z.array(cidr('local network gateway prefix')).max(256, { error: 'holds at most 256 prefixes' }).optional()
      .describe("The local network gateway's address space: static routes in Azure. Default: addressSpace for a static site, none for a BGP site (Azure learns the prefixes over BGP). Set it on a BGP site only for a static route that must outlive BGP; an existing gateway's prefixes are never removed unless this is set"),
    bgp: SiteBgpSchema.optional(),
    localNetworkGatewayName: resourceName('local network gateway name').optional().describe('Default lng-<name>'),
    connectionName: resourceName('connection name').optional().describe('Default cn-<name>'),
    ipsecPolicy: PolicySettingSchema.optional(),
    dpdTimeoutSeconds: z.number().int({ error: 'must be a whole number of seconds' })
      .min(DPD_TIMEOUT_RANGE.min, { error: `must be at least ${DPD_TIMEOUT_RANGE.min} seconds` })
      .max(DPD_TIMEOUT_RANGE.max, { error: `must be at most ${DPD_TIMEOUT_RANGE.max} seconds` })
      .optional().meta({ description: 'Dead peer detection timeout in seconds (9..3600)', default: 45 }),
    expressRouteRoutesVia: z.enum(EXPRESS_ROUTE_ROUTES_VIA).optional().meta({
      description: 'How routes learned over ExpressRoute reach this appliance: bgp, igp (OSPF, EIGRP, ...) or static. With igp or static, routes learned over the VPN get a worse administrative distance than the IGP or static route, so the VPN stays the backup',
      default: DEFAULT_EXPRESS_ROUTE_ROUTES_VIA,
    }),
    sharedKey: SecretRefSchema.optional().describe('Shared key reference; omitted: deploy generates a strong key'),
    deviceOptions: z.record(z.string().regex(P.DEVICE_OPTION_KEY, { error: 'must be an option name' }), DeviceOptionValueSchema)
      .optional().describe("Knobs for the site's device (see the deviceOptions table); outsideAddress: the appliance's own address behind NAT"),
  })
  .describe('An on-premises site connected over IPsec');

export const HubFileSchema = z
  .strictObject({
    $schema: z.string().regex(P.SCHEMA_REF, { error: 'must be a URL or path of the JSON Schema' }).optional()
      .describe('The JSON Schema this file follows (for editors)'),
    azure: AzureSchema,
    sites: z.array(SiteSchema).max(100, { error: 'holds at most 100 sites' }).describe('The on-premises sites'),
  })
  .meta({ title: 'tunnelsmith hub file', description: 'One Azure hub (VNet, ExpressRoute and VPN gateways) and its on-premises sites' });

export type RawHubFile = z.infer<typeof HubFileSchema>;
export type RawAzure = z.infer<typeof AzureSchema>;
export type RawVnet = z.infer<typeof VnetSchema>;
export type RawVpnGateway = z.infer<typeof VpnGatewaySchema>;
export type RawExpressRoute = z.infer<typeof ExpressRouteSchema>;
export type RawSite = z.infer<typeof SiteSchema>;
export type RawSecretRef = z.infer<typeof SecretRefSchema>;

/** The published JSON Schema for editors (`schema/hub.schema.json`), generated from `HubFileSchema`. Pure. */
export function buildHubJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(HubFileSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
}
