/**
 * Public types of the ARM emulator. The emulator is "Azure" for tests, the demo and users: it knows
 * nothing of the tunnelsmith core and is only spoken to over HTTPS (ARM, Key Vault) or through
 * `EmulatorControl` (in-process, or the same features under `/__emulator/` over HTTPS).
 */

export interface EmulatorOptions {
  /**
   * ARM port on 127.0.0.1. 0 or absent: the port of the previous run with the same stateDir when it is
   * free, else any free port.
   */
  port?: number;
  /** Port of the Key Vault listener; 0 or absent: as `port` (kept across restarts of one stateDir). */
  vaultPort?: number;
  /** State persisted as JSON here between runs (and the certificate, the tokens and the ports); absent = memory only. */
  stateDir?: string;
  /** The ARM bearer token, an opaque string (default: a JWT valid 30 days, kept in stateDir). */
  token?: string;
  /** The Key Vault bearer token, an opaque string (default: a JWT valid 30 days, kept in stateDir). Must differ from `token`. */
  vaultToken?: string;
  /** Operation durations in ms. */
  durations?: Partial<EmulatorDurations>;
  /** Retry-After (seconds) sent on LRO responses (default 0). */
  retryAfterSeconds?: number;
  /** Rules at start (later: `control.setRules`); they override the rules saved in stateDir. */
  rules?: Partial<EmulatorRules>;
  /** Shorthand for `rules.refuseConcurrentGateways` (the CLI's `--refuse-concurrent-gateways`). */
  refuseConcurrentGateways?: boolean;
  /**
   * Removed: Azure dropped the "ExpressRoute gateway first" rule in 2018. Only `false` is accepted;
   * `true` is refused at start.
   * @deprecated
   */
  requireExpressRouteGatewayFirst?: boolean;
}

export interface EmulatorDurations {
  /** Creating, updating or deleting a virtual network gateway. */
  gatewayMs: number;
  /** Creating or deleting a connection; also how long a connection stays Updating/Connecting after a key change. */
  connectionMs: number;
  /** The set/reset shared key operation itself. */
  setSharedKeyMs: number;
  /** Everything else (VNets, public IPs, local network gateways, circuits, POST actions, deletes). */
  defaultMs: number;
}

export interface RunningEmulator {
  /** https://127.0.0.1:PORT */
  endpoint: string;
  /** Key Vault base URL (https://127.0.0.1:PORT2): use it as the vault URL for every vault name. */
  vaultEndpoint: string;
  /** The certificate to trust (tlsOptions.ca). */
  caPem: string;
  /** Path of the PEM when stateDir is set. */
  caFile?: string;
  /** The ARM token (also the one the /__emulator/ control routes take). */
  token: string;
  /** The Key Vault token; ARM refuses it, as the vault refuses the ARM token. */
  vaultToken: string;
  /** In-process control: the same features as the /__emulator/ HTTP routes. */
  control: EmulatorControl;
  /** Closes both listeners and every socket; no timer is left running. */
  stop(): Promise<void>;
}

/** How an injected fault answers. */
export type FaultKind =
  | '429-retry-after' // 429 with Retry-After: retryAfterSeconds (default 0)
  | '429-retry-after-ms' // 429 with retry-after-ms: retryAfterMs (default 0)
  | '500'
  | '503'
  | 'reset' // the socket is destroyed without an answer
  | '409-another-operation' // 409 AnotherOperationInProgress, as while a gateway of the VNet is Updating
  | 'failOperation'; // the long-running operation started by the request ends Failed

export interface FaultRule {
  kind: FaultKind;
  /** Regex (case-insensitive) the HTTP method must match, e.g. `PUT` or `PUT|POST`; absent = any. */
  method?: string;
  /** Regex (case-insensitive) the URL path (no query) must match; absent = any. */
  path?: string;
  /** Fire at most this many times (default 1 unless `rate` is given, then unlimited). */
  count?: number;
  /** Probability 0..1 per matching request, drawn from a PRNG seeded with `seed`. */
  rate?: number;
  /** Seed of this rule's PRNG (default 1). */
  seed?: number;
  /** Let this many matching requests through before the rule starts firing (default 0). */
  skip?: number;
  retryAfterSeconds?: number;
  retryAfterMs?: number;
  /** failOperation: the error code and message of the Failed operation. */
  code?: string;
  message?: string;
}

export interface FaultStatus extends FaultRule {
  id: string;
  /** Matching requests seen so far. */
  matched: number;
  /** Times the fault fired. */
  fired: number;
}

/** A token bucket per subscription; requests without a token get 429 with Retry-After. */
export interface ThrottlingOptions {
  /** Bucket size (burst). */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

export interface RequestLogEntry {
  /** ISO time the request arrived. */
  time: string;
  service: 'arm' | 'vault';
  method: string;
  /** URL path without the query. */
  path: string;
  /** HTTP status; 0 when the socket was reset. */
  status: number;
  /** The fault or throttle that answered, if any. */
  fault?: FaultKind | 'throttled';
  durationMs: number;
}

export interface EmulatorCounts {
  requests: number;
  byStatus: Record<string, number>;
  /** `METHOD resourceType[/action]`, e.g. `PUT virtualNetworkGateways`, `POST connections/sharedkey/reset`, `GET operations`. */
  byKind: Record<string, number>;
  /** Injected faults that fired, by kind. */
  faults: Record<string, number>;
  throttled: number;
  operationsStarted: number;
  operationsFailed: number;
}

export interface PrivatePeeringSpec {
  peerASN?: number;
  primaryPeerAddressPrefix?: string;
  secondaryPeerAddressPrefix?: string;
  vlanId?: number;
}

/** A circuit as a provider would have provisioned it (serviceProviderProvisioningState Provisioned, private peering). */
export interface ProvisionedCircuitSpec extends PrivatePeeringSpec {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location?: string;
  serviceProviderName?: string;
  peeringLocation?: string;
  bandwidthInMbps?: number;
  skuTier?: 'Standard' | 'Premium' | 'Local' | 'Basic';
  skuFamily?: 'MeteredData' | 'UnlimitedData';
  /** Also create an authorization; `true` generates its key. */
  authorizationKey?: boolean | string;
  /**
   * false: the caller has no role on the circuit's resource group (a circuit owned by someone else):
   * every ARM request there answers 403 AuthorizationFailed, and a connection to it needs the
   * authorization key (else 403 LinkedAuthorizationFailed). Default true.
   */
  readable?: boolean;
}

export interface CircuitInfo {
  id: string;
  serviceKey: string;
  authorizationKey?: string;
}

export interface EmulatorRules {
  /**
   * Azure before the retirements: new VPN gateways may use the retired Standard and HighPerformance SKUs
   * and the non-AZ VpnGw1-5 (default false), so a test can build the hand-made, older setups tunnelsmith
   * must take over (existing gateways of those SKUs stay readable and updatable either way).
   */
  allowRetiredSkus?: boolean;
  /**
   * Answer 409 AnotherOperationInProgress to a gateway create while another gateway of the same VNet is
   * being created (default false: both may be created at once).
   */
  refuseConcurrentGateways?: boolean;
  /** Gateway bodies without `bgpSettings.bgpPeeringAddresses[].tunnelIpAddresses`, as older API versions answer (default false). */
  omitTunnelIpAddresses?: boolean;
  /** List `bgpSettings.bgpPeeringAddresses` in the reverse order of the ipConfigurations (default false): pairing by order then goes wrong. */
  reverseBgpPeeringAddresses?: boolean;
}

/** A token the emulator issued on request (`issueToken`). */
export interface IssuedToken {
  token: string;
  /** ISO time of its `exp`. */
  expiresOn: string;
}

export interface EmulatorControl {
  setDurations(d: Partial<EmulatorDurations>): EmulatorDurations;
  getDurations(): EmulatorDurations;
  setRetryAfter(seconds: number): void;
  setRules(r: Partial<EmulatorRules> & { /** @deprecated removed; only false is accepted */ requireExpressRouteGatewayFirst?: boolean }): EmulatorRules;
  /** Adds a fault rule; returns its id. */
  addFault(rule: FaultRule): string;
  removeFault(id: string): boolean;
  clearFaults(): void;
  listFaults(): FaultStatus[];
  /** null turns throttling off. */
  setThrottling(t: ThrottlingOptions | null): void;
  requestLog(): RequestLogEntry[];
  clearRequestLog(): void;
  counts(): EmulatorCounts;
  /** Circuit name or id; absent = every circuit (the global default). */
  setExpressRoutePath(state: 'up' | 'down', circuit?: string): void;
  addProvisionedCircuit(spec: ProvisionedCircuitSpec): CircuitInfo;
  /** The provider's side: Provisioned + AzurePrivatePeering (circuit name or id). */
  provisionCircuit(circuit: string, peering?: PrivatePeeringSpec): CircuitInfo;
  /** The provider's side of a cancellation: NotProvisioned, private peering removed (then the circuit can be deleted). */
  deprovisionCircuit(circuit: string): CircuitInfo;
  /** What on-prem advertises over ExpressRoute; null = the local network gateways' address spaces and what BGP sites announce. */
  setOnPremAdvertisedPrefixes(prefixes: string[] | null, circuit?: string): void;
  /** Whether the on-prem device of a connection (name or id) answers (default true). */
  setSiteReachable(connection: string, reachable: boolean): void;
  /**
   * The key the on-prem device holds; null (default) = the device always has Azure's key. A different
   * key keeps the connection NotConnected, like a real device with a stale key.
   */
  setSiteSharedKey(connection: string, key: string | null): void;
  /** What a BGP site (connection name or id) announces; null = its local network gateway's address space. */
  setSiteAdvertisedPrefixes(connection: string, prefixes: string[] | null): void;
  /** Whether the caller may read a circuit (name or id); see `ProvisionedCircuitSpec.readable`. */
  setCircuitReadable(circuit: string, readable: boolean): CircuitInfo;
  /** A new token for one audience (`arm` or `vault`), valid `expiresInSeconds` (a JWT with that `exp`). */
  issueToken(audience: 'arm' | 'vault', expiresInSeconds: number): IssuedToken;
  /** Makes a token the emulator knows expire now (ARM: 401 ExpiredAuthenticationToken); false if unknown. */
  expireToken(token: string): boolean;
  /** Removes every resource, secret and simulation setting; keeps durations, tokens and certificate. */
  reset(): void;
}
