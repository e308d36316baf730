/**
 * The character classes every string in the hub file must match. They are the injection guard: a value
 * that passes one of these patterns holds no newline, quote, backslash, brace or semicolon, so it can
 * reach a device template unescaped. Each pattern is anchored and bounds its length.
 */

const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';

/** A dotted-quad IPv4 address without leading zeros. */
export const IPV4_ADDRESS = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

/** An IPv4 prefix `a.b.c.d/n` (host bits are checked by a rule, with the network to use instead). */
export const IPV4_CIDR = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}/(?:3[0-2]|[12]?[0-9])$`);

/**
 * An Azure resource name as tunnelsmith accepts it: 1..80 letters, digits, `_`, `.`, `-`, starting with
 * a letter or digit and ending with a letter, digit or `_` (the rule shared by VNets, subnets, gateways,
 * public IPs, local network gateways and connections).
 */
export const RESOURCE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/;

/** Resource group: 1..90 letters, digits, `_`, `.`, `-`, `(`, `)`, not ending with `.`. */
export const RESOURCE_GROUP_NAME = /^[A-Za-z0-9_.()-]{0,89}[A-Za-z0-9_()-]$/;

/** Azure region short name, e.g. `centralus`. */
export const LOCATION = /^[a-z][a-z0-9]{1,39}$/;

/** Subscription id (a GUID). */
export const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Site name: used in file names and default resource names. */
export const SITE_NAME = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/** ARM resource id of an ExpressRoute circuit. */
export const CIRCUIT_ID =
  /^\/subscriptions\/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\/(?:resourceGroups|resourcegroups)\/[A-Za-z0-9_.()-]{0,89}[A-Za-z0-9_()-]\/providers\/(?:Microsoft\.Network|microsoft\.network)\/(?:expressRouteCircuits|expressroutecircuits)\/[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/;

/** ExpressRoute provider and peering location names, e.g. `Equinix`, `Silicon Valley`, `AT&T Netbond`. */
export const PROVIDER_TEXT = /^[A-Za-z0-9](?:[A-Za-z0-9 ._&(),/-]{0,78}[A-Za-z0-9.)])?$/;

/** Environment variable name. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** A file path for a secret: no control characters, quotes, backslashes, braces, `;`, `$` or backtick. */
export const SECRET_FILE_PATH = /^[^\u0000-\u001f\u007f"'`\\{};$]{1,1024}$/;

/** Key Vault name: 3..24 letters, digits and single hyphens, starting with a letter. */
export const KEY_VAULT_NAME = /^[A-Za-z](?:[A-Za-z0-9]|-(?!-)){1,22}[A-Za-z0-9]$/;

/** Key Vault secret name: 1..127 letters, digits and hyphens. */
export const KEY_VAULT_SECRET_NAME = /^[A-Za-z0-9-]{1,127}$/;

/** A `deviceOptions` key. */
export const DEVICE_OPTION_KEY = /^[A-Za-z][A-Za-z0-9]{0,39}$/;

/**
 * A `deviceOptions` string value, before the device's own check: interface names such as
 * `GigabitEthernet0/0/0`, `ge-0/0/1.0`, `Ethernet 2`. Spaces only inside.
 */
export const DEVICE_OPTION_TEXT = /^[A-Za-z0-9](?:[A-Za-z0-9 /._:-]{0,62}[A-Za-z0-9/._:-])?$/;

/** The editor hint `$schema` (a URL or a relative path). */
export const SCHEMA_REF = /^[A-Za-z0-9:/._#?=&%+~-]{1,512}$/;

/** Characters no accepted string may contain; asserted by the property tests. */
export const FORBIDDEN_IN_VALUES = /[\r\n"'\\{};`]/;

/** How to fix a value that fails a pattern, keyed by the pattern's text (as zod reports it). */
export const PATTERN_FIXES: ReadonlyMap<string, string> = new Map([
  [IPV4_ADDRESS, 'write four numbers 0-255 separated by dots, without leading zeros'],
  [IPV4_CIDR, 'write the network address and a prefix length 0-32, e.g. 10.200.0.0/16'],
  [RESOURCE_NAME, "keep to at most 80 letters, digits, '_', '.' and '-', starting with a letter or digit"],
  [RESOURCE_GROUP_NAME, 'use the resource group name as the Azure portal shows it'],
  [LOCATION, 'use the Name column of `az account list-locations -o table`, e.g. centralus'],
  [GUID, 'copy the id from `az account show --query id -o tsv`'],
  [SITE_NAME, 'use lowercase letters, digits and -, e.g. hq or branch-1'],
  [CIRCUIT_ID, 'copy the id from `az network express-route show -g RG -n NAME --query id -o tsv`'],
  [PROVIDER_TEXT, 'write the name as `az network express-route list-service-providers -o table` shows it'],
  [ENV_NAME, 'name an environment variable, e.g. HQ_PSK'],
  [SECRET_FILE_PATH, 'rename the file, or use { env: NAME }'],
  [KEY_VAULT_NAME, 'use the vault name as the Azure portal shows it'],
  [KEY_VAULT_SECRET_NAME, 'use the secret name as the Azure portal shows it'],
  [DEVICE_OPTION_KEY, "see the deviceOptions table for the site's device"],
  [DEVICE_OPTION_TEXT, "use the device's own interface or zone name; see the deviceOptions table"],
  [SCHEMA_REF, 'point it at schema/hub.schema.json'],
].map(([re, fix]) => [String(re), fix as string]));
