/**
 * Azure failures as tunnelsmith errors: the Azure code kept, the hub-file field named when the
 * refusal is about one, and the next step. Messages never carry request bodies (they may hold keys).
 */
import { AzureError } from '../../errors';

/** What the caller was doing when Azure answered. */
export interface FailureContext {
  operation: string;
  resource?: string;
}

interface RestErrorLike {
  name?: string;
  statusCode?: number;
  code?: string;
  message?: string;
  /** The SDK's RestError keeps the answer; only its headers are read here (never the body). */
  response?: { headers?: { get?(name: string): string | undefined } };
}

/** AzureError details; `retryAfterMs` comes from `retry-after-ms`, `x-ms-retry-after-ms` or `Retry-After`. */
export type AzureErrorDetails = AzureError['details'];

function asRest(e: unknown): RestErrorLike {
  return typeof e === 'object' && e !== null ? (e as RestErrorLike) : {};
}

export function isAbortError(e: unknown): boolean {
  const r = asRest(e);
  return r.name === 'AbortError' || r.code === 'ABORT_ERR';
}

/** A 404 answer (resource or resource group missing). */
export function isNotFound(e: unknown): boolean {
  if (e instanceof AzureError) return e.details.statusCode === 404;
  return asRest(e).statusCode === 404;
}

/** Azure code of a failure, whether still an SDK error or already mapped. */
export function azureCodeOf(e: unknown): string | undefined {
  if (e instanceof AzureError) return e.details.azureCode;
  return asRest(e).code;
}

/**
 * The wait (ms) an answer's headers ask for, read as the SDK reads them: `retry-after-ms`,
 * `x-ms-retry-after-ms`, then `Retry-After` in seconds or as an HTTP date (relative to `nowMs`).
 * Undefined when no header says. Pure.
 */
export function retryAfterMsFromHeaders(get: (name: string) => string | undefined, nowMs: number): number | undefined {
  for (const [name, factor] of [['retry-after-ms', 1], ['x-ms-retry-after-ms', 1], ['retry-after', 1000]] as const) {
    const raw = get(name)?.trim();
    if (!raw) continue;
    if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw) * factor;
    if (name === 'retry-after') {
      const at = Date.parse(raw);
      if (Number.isFinite(at)) return Math.max(0, at - nowMs);
    }
  }
  return undefined;
}

/** A request Azure throttled (429), as the SDK's error or already mapped (retries exhausted). */
export function isThrottled(e: unknown): boolean {
  if (e instanceof AzureError) return e.details.statusCode === 429;
  return asRest(e).statusCode === 429;
}

/** The Retry-After (ms) carried by a failure: mapped errors carry it in details, SDK errors in their headers. */
export function retryAfterMsOf(e: unknown): number | undefined {
  if (e instanceof AzureError) {
    const carried = e.details.retryAfterMs;
    return carried ?? (e.cause !== undefined && e.cause !== e ? retryAfterMsOf(e.cause) : undefined);
  }
  const headers = asRest(e).response?.headers;
  if (!headers || typeof headers.get !== 'function') return undefined;
  return retryAfterMsFromHeaders((name) => headers.get?.(name) ?? undefined, Date.now());
}

export function isAnotherOperationInProgress(e: unknown): boolean {
  const code = azureCodeOf(e) ?? '';
  return code === 'AnotherOperationInProgress' || (e instanceof AzureError && e.details.statusCode === 409 && /another operation/i.test(e.message));
}

/** A long-running operation that failed for a reason worth retrying (not a refusal of the content). */
export function isTransientOperationFailure(e: unknown): boolean {
  if (!(e instanceof AzureError) || e.code !== 'OperationFailed') return false;
  return /InternalServerError|InternalError|Retryable|ServiceUnavailable|TimedOut|Timeout|Canceled/i.test(e.details.azureCode ?? '');
}

/** Maps an SDK failure to an AzureError; abort errors and AzureErrors pass through unchanged. */
export function toAzureError(e: unknown, ctx: FailureContext): unknown {
  if (isAbortError(e) || e instanceof AzureError) return e;
  const r = asRest(e);
  // A long-running operation that ended Failed: core-lro reports "... has failed. <code>. <message>".
  const failed = /^The long-running operation has failed\.\s*([A-Za-z0-9_.]+)\.\s*([\s\S]*)$/.exec(r.message ?? '');
  if (failed && r.statusCode === undefined) {
    const where = ctx.resource ? ` ${ctx.resource}` : '';
    return new AzureError(
      'OperationFailed',
      `${ctx.operation}${where} failed in Azure: ${failed[1]}: ${firstLine(failed[2])}`,
      { azureCode: failed[1], ...(ctx.resource ? { resource: ctx.resource } : {}) },
      'run deploy again: it retries what failed and resumes the rest',
      { cause: e },
    );
  }
  const azureCode = r.code ?? (r.statusCode ? `Http${r.statusCode}` : 'RequestFailed');
  const reason = firstLine(r.message ?? String(e));
  const where = ctx.resource ? ` ${ctx.resource}` : '';
  const hint = hintFor(azureCode, r.statusCode);
  // A throttled or unavailable answer keeps the wait it asked for: callers retrying past the SDK honour it.
  const retryAfterMs = r.statusCode === 429 || r.statusCode === 503 ? retryAfterMsOf(e) : undefined;
  const details: AzureErrorDetails = {
    ...(r.statusCode ? { statusCode: r.statusCode } : {}),
    azureCode,
    ...(ctx.resource ? { resource: ctx.resource } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
  return new AzureError('AzureRequestFailed', `${ctx.operation}${where} failed: ${azureCode}: ${reason}`, details, hint, { cause: e });
}

function firstLine(s: string): string {
  const line = s.split('\n')[0].trim();
  return line.length > 400 ? `${line.slice(0, 400)}...` : line;
}

function hintFor(code: string, status: number | undefined): string | undefined {
  if (status === 401 || /InvalidAuthenticationToken|AuthenticationFailed/i.test(code)) {
    return 'sign in again (az login), or check TUNNELSMITH_ARM_TOKEN / TUNNELSMITH_ARM_TOKEN_FILE (a token for ARM that has not expired) or the service principal variables';
  }
  if (status === 403 || /AuthorizationFailed/i.test(code)) return 'the identity needs Network Contributor on the resource group';
  if (/SubscriptionNotFound/i.test(code)) return 'check azure.subscriptionId (or AZURE_SUBSCRIPTION_ID)';
  if (code === 'REQUEST_SEND_ERROR' || code === 'ECONNREFUSED' || code === 'ENOTFOUND') {
    return 'check --arm-endpoint / TUNNELSMITH_ARM_ENDPOINT and the network; a run interrupted here resumes when started again';
  }
  return undefined;
}

/** What tunnelsmith knows about one kind of refusal. */
interface RefusalRule {
  /** Matches the Azure code (case-insensitive regex) ... */
  code?: RegExp;
  /** ... or the message. */
  message?: RegExp;
  /** Hub-file path, from the field of the resource being written (`sites[0]`, `azure.vpnGateway`, ...). */
  field: (resourceField: string) => string;
  fix: string;
}

const at = (suffix: string) => (f: string) => `${f}${suffix}`;
const fixed = (path: string) => () => path;
/** A gateway's name field: `name` for the VPN gateway, `gatewayName` for ExpressRoute. */
const nameOf = (f: string) => (f === 'azure.expressRoute' ? `${f}.gatewayName` : `${f}.name`);
/** `.asn` of a site lives under `bgp`. */
const asnOf = (f: string) => (f.startsWith('sites[') ? `${f}.bgp.asn` : `${f}.asn`);

/** Azure's refusals that are about a hub-file value. First match wins; specific before generic. */
const REFUSALS: RefusalRule[] = [
  {
    code: /^AuthorizationKeyInvalid$|AuthorizationKey.*(Invalid|Used|Redeemed)/i,
    field: fixed('azure.expressRoute.authorizationKey'),
    fix: "the circuit owner's authorization key is wrong, revoked, or already used by another connection (one key serves one connection): ask the owner for a new authorization on the circuit (az network express-route auth create) and put it behind azure.expressRoute.authorizationKey; check azure.expressRoute.circuitId names their circuit",
  },
  {
    code: /^LinkedAuthorizationFailed$/i,
    field: fixed('azure.expressRoute.authorizationKey'),
    fix: "the circuit belongs to a subscription this identity has no role on: connecting to it needs its owner's authorization key; set azure.expressRoute.authorizationKey to a reference to it (and check azure.expressRoute.circuitId)",
  },
  { code: /GatewaySubnet.*(Small|Size|Prefix)|SubnetTooSmall/i, field: fixed('azure.vnet.gatewaySubnet'), fix: 'use a /27 or larger GatewaySubnet; an existing smaller one must be deleted and recreated (gateways first)' },
  { message: /GatewaySubnet.*(\/27|too small|smaller)/i, field: fixed('azure.vnet.gatewaySubnet'), fix: 'use a /27 or larger GatewaySubnet; an existing smaller one must be deleted and recreated (gateways first)' },
  { code: /OnlyOneGatewayOfEachType/i, field: nameOf, fix: 'the VNet already has a gateway of this type: name that gateway in the hub file to adopt it, or remove it' },
  { code: /ActiveActive.*IpConfiguration|ActivePassive.*IpConfiguration/i, field: fixed('azure.vpnGateway.activeActive'), fix: 'active-active needs exactly two public IPs (azure.vpnGateway.publicIpNames), active-standby exactly one' },
  { code: /Basic.*Sku|Sku.*Basic|SkuNotSupported|GatewaySku/i, field: at('.sku'), fix: 'use a VpnGw1..5 / VpnGw1AZ..5AZ SKU (Basic has no BGP, custom policy, active-active or coexistence; Standard and HighPerformance VPN SKUs are retired)' },
  { code: /PolicyBased/i, field: nameOf, fix: 'coexistence and BGP need a route-based VPN gateway: delete the policy-based one, or name another gateway' },
  { code: /Asn.*Reserved|Reserved.*Asn|InvalidAsn|BgpAsn/i, field: asnOf, fix: 'choose an ASN that Azure does not reserve (8074, 8075, 12076, 23456, 64496-64511, 65515 on-premises, 65517-65520, 65535-65551, 4294967295)' },
  { code: /Ipsec|IkePolicy/i, field: at('.ipsecPolicy'), fix: 'use a complete policy with values from azure-facts.md section 1; a GCM ipsecEncryption needs the same GCM ipsecIntegrity' },
  { code: /SharedKey/i, field: at('.sharedKey'), fix: 'use 1..128 printable ASCII characters without space, - or ~' },
  { code: /CustomBgp|ApipaBgp|InvalidApipa/i, field: fixed('azure.vpnGateway.apipaBgpIps'), fix: 'use APIPA addresses from 169.254.21.0-169.254.22.255, one per gateway instance' },
  { code: /BgpPeeringAddress/i, field: at('.bgp.peerIp'), fix: 'use the appliance\'s BGP address: an IPv4 loopback outside the VNet, or an APIPA address from 169.254.21.0-169.254.22.255' },
  { code: /Dpd/i, field: at('.dpdTimeoutSeconds'), fix: 'use 9..3600 seconds' },
  { code: /LocalNetworkGatewayIpAddress/i, field: at('.publicIp'), fix: 'use the appliance\'s public IPv4 address' },
  { code: /Location|Region/i, field: fixed('azure.location'), fix: 'choose a region where the resource type is available' },
  { code: /AddressSpace|AddressPrefix|Overlap|Netcfg/i, field: (f) => (f.startsWith('sites[') ? `${f}.addressSpace` : f), fix: 'correct the prefixes (inside the VNet address space, not overlapping, host bits zero)' },
  { code: /Circuit|Peering|ExpressRoute.*NotProvisioned/i, field: (f) => (f === 'azure.expressRoute.circuit' ? f : 'azure.expressRoute.circuitId'), fix: 'check the circuit id, that the provider provisioned it, and that Azure private peering is configured' },
];

/** The hub-file field and fix for an Azure refusal, when tunnelsmith knows them. Pure. */
export function describeRefusal(azureCode: string | undefined, message: string, resourceField: string): { field: string; fix: string } | undefined {
  for (const r of REFUSALS) {
    const hit = (r.code && azureCode && r.code.test(azureCode)) || (r.message && r.message.test(message));
    if (hit) return { field: r.field(resourceField), fix: r.fix };
  }
  return undefined;
}

/**
 * Adds the hub-file field (and fix) to an AzureError raised while writing a planned resource.
 * Other errors pass through.
 */
export function withHubField(e: unknown, resourceField: string): unknown {
  if (!(e instanceof AzureError) || e.details.field) return e;
  const known = describeRefusal(e.details.azureCode, e.message, resourceField);
  // Only a refusal of the request's content is about a hub value; auth, throttling and outages are not.
  const isRefusal = known !== undefined || e.details.statusCode === 400 || e.details.statusCode === 422 || (e.code === 'OperationFailed' && !isTransientOperationFailure(e));
  if (!isRefusal) return e;
  const field = known?.field ?? resourceField;
  return new AzureError(
    e.code === 'AzureRequestFailed' || e.code === 'OperationFailed' ? 'AzureRefused' : e.code,
    `${field}: ${e.message}`,
    { ...e.details, field },
    known?.fix ?? e.hint,
    { cause: e.cause ?? e },
  );
}
