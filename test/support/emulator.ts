/**
 * The one emulator harness: the in-process ARM and Key Vault emulator with what the tests drive it with.
 * - `startHarness`: the real SDK client and deploy engine against a fresh emulator (deploy end to end,
 *   faults, kills); `cliRunner` in ./cli runs the CLI against it.
 * - `deployHub`: a VPN-only three-site hub already deployed, its hub file and key journal on disk
 *   (rotate-key end to end, staged bundles, crash tests).
 * - `raw`, `networkClient` and the builders below them: the emulator alone, spoken to over HTTPS by the
 *   real SDK or raw requests, in its own subscription `SUB` and group `RG` (the emulator's own tests).
 */
import { promises as fs } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { NetworkManagementClient } from '@azure/arm-network';
import { ResourceManagementClient } from '@azure/arm-resources';
import type { TokenCredential } from '@azure/core-auth';
import { SecretClient } from '@azure/keyvault-secrets';
import type { AzureApi } from '../../src/azure/client/api';
import { staticTokenCredential } from '../../src/azure/client/credentials';
import { createSdkApi } from '../../src/azure/client/sdk';
import { applyPlan } from '../../src/azure/deploy/apply';
import { planAzure } from '../../src/azure/deploy/plan';
import type { ApplyReport } from '../../src/azure/deploy/run';
import type { ApplyEvent } from '../../src/azure/deploy/events';
import { createJournalKeyStore } from '../../src/azure/sharedKeys';
import { startEmulator, type EmulatorDurations, type RunningEmulator } from '../../src/emulator';
import type { Hub } from '../../src/hub/types';
import { keyJournalDir } from '../../src/io/keyJournal';
import { readHub } from '../../src/io/readHub';
import { SUB as HUB_SUB } from './hubs';

export { circuitId } from './hubs';

// ---- The deploy harness

/** Operation durations (ms) of the harness's emulator; a test overrides the ones it needs. */
export const HARNESS_DURATIONS: EmulatorDurations = { gatewayMs: 120, connectionMs: 40, setSharedKeyMs: 20, defaultMs: 5 };

/** The real SDK and deploy engine against an in-process emulator, in a temporary folder of its own. */
export interface Harness {
  emu: RunningEmulator;
  api: AzureApi;
  dir: string;
  journalDir: string;
  events: ApplyEvent[];
  deploy(hub: Hub, extra?: Partial<Parameters<typeof applyPlan>[1]>): Promise<ApplyReport>;
  /** Write requests (PUT/PATCH/DELETE/POST) sent to ARM since the log was cleared, emulator control excluded. */
  writes(): Array<{ method: string; path: string; status: number }>;
  close(): Promise<void>;
}

export async function startHarness(opts: { durations?: Partial<EmulatorDurations>; requireExpressRouteGatewayFirst?: boolean; retry?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number } } = {}): Promise<Harness> {
  const emu = await startEmulator({ durations: { ...HARNESS_DURATIONS, ...opts.durations }, ...(opts.requireExpressRouteGatewayFirst ? { requireExpressRouteGatewayFirst: true } : {}) });
  const api = createSdkApi({
    credential: staticTokenCredential(emu.token),
    subscriptionId: HUB_SUB,
    endpoint: emu.endpoint,
    ca: emu.caPem,
    pollIntervalMs: 10,
    retry: opts.retry ?? { retryDelayInMs: 20, maxRetryDelayInMs: 100 },
  });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-azure-'));
  const journalDir = path.join(dir, '.tunnelsmith', 'keys');
  const events: ApplyEvent[] = [];
  return {
    emu,
    api,
    dir,
    journalDir,
    events,
    deploy(hub, extra = {}) {
      const plan = planAzure(hub, HUB_SUB);
      const resolveSecret = extra.resolveSecret ?? (async () => { throw new Error('no secrets in this test'); });
      return applyPlan(plan, {
        api,
        hub,
        keys: createJournalKeyStore({ journalDir, hubId: plan.hubId, resolveSecret }),
        resolveSecret,
        onEvent: (e) => events.push(e),
        busyPollMs: 10,
        busyTimeoutMs: 30_000,
        ...extra,
      });
    },
    writes() {
      return emu.control
        .requestLog()
        .filter((r) => r.service === 'arm' && !r.path.includes('/__emulator') && r.method !== 'GET')
        .map((r) => ({ method: r.method, path: r.path, status: r.status }));
    },
    async close() {
      await emu.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** The provider's side of the seed: the circuit exists and is provisioned with private peering. Returns its id. */
export function seedCircuit(h: Harness, rg: string, name = 'ra-hybrid-vpn-er-erc'): string {
  return h.emu.control.addProvisionedCircuit({ subscriptionId: HUB_SUB, resourceGroup: rg, name, location: 'centralus' }).id;
}

/** Writes that hit one resource type, e.g. `PUT virtualNetworkGateways`. */
export function writesTo(h: Harness, method: string, type: string): number {
  return h.writes().filter((w) => w.method === method && new RegExp(`/${type}/[^/]+$`, 'i').test(w.path)).length;
}

// ---- A deployed hub: VPN-only, three sites (one keeps its key in Key Vault), deployed with the real
// apply engine, its key journal beside the hub file (rotate-key end to end)

export const DEPLOYED_RG = 'rot-rg';
export const DEPLOYED_HUB_ID = `${DEPLOYED_RG}/rot-vnet`;
export const VAULT_KEY_V1 = 'VaultKeyVersionOne7Hd2Kp9Xw4Mb6Qz1Rt8Lc3Nf5Gj0Sa';

export const DEPLOYED_HUB_YAML = `azure:
  subscriptionId: ${HUB_SUB}
  resourceGroup: ${DEPLOYED_RG}
  location: centralus
  vnet:
    name: rot-vnet
    addressSpace: [10.50.0.0/16]
    gatewaySubnet: 10.50.255.0/27
  vpnGateway:
    name: rot-vgw
    sku: VpnGw1AZ
sites:
  - name: hq
    device: strongswan
    publicIp: 40.50.60.70
    addressSpace: [192.168.0.0/16]
    bgp: { asn: 65010, peerIp: 192.168.255.1 }
  - name: branch
    device: cisco-ios
    publicIp: 40.50.60.71
    addressSpace: [172.16.0.0/16]
  - name: vaulted
    device: juniper-srx
    publicIp: 40.50.60.72
    addressSpace: [172.17.0.0/16]
    sharedKey: { keyVault: { vaultName: rotkv, secretName: vaulted-psk } }
`;

export interface DeployedHub {
  emu: RunningEmulator;
  api: AzureApi;
  dir: string;
  hubFile: string;
  journalDir: string;
  caFile: string;
  env: NodeJS.ProcessEnv;
  secrets: SecretClient;
  close(): Promise<void>;
}

/** Deploys `yaml` (default the three-site hub above; another hub must use the same subscription, group and VNet). */
export async function deployHub(yaml: string = DEPLOYED_HUB_YAML): Promise<DeployedHub> {
  const emu = await startEmulator({ durations: { gatewayMs: 30, connectionMs: 10, setSharedKeyMs: 20, defaultMs: 2 } });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-rotate-e2e-'));
  const hubFile = path.join(dir, 'tunnelsmith.yaml');
  await fs.writeFile(hubFile, yaml);
  const caFile = path.join(dir, 'ca.pem');
  await fs.writeFile(caFile, emu.caPem);
  const credential = staticTokenCredential(emu.token);
  const api = createSdkApi({ credential, subscriptionId: HUB_SUB, endpoint: emu.endpoint, ca: emu.caPem, pollIntervalMs: 10, retry: { retryDelayInMs: 20, maxRetryDelayInMs: 100 } });
  // A loopback vault cannot pass the SDK's challenge-resource check (no parent domain): a test client skips it.
  const secrets = new SecretClient(emu.vaultEndpoint, staticTokenCredential(emu.vaultToken, { audience: 'vault' }), { disableChallengeResourceVerification: true, tlsOptions: { ca: emu.caPem } });
  await secrets.setSecret('vaulted-psk', VAULT_KEY_V1);
  const { hub } = await readHub({ file: hubFile, cwd: dir });
  const journalDir = keyJournalDir(hubFile);
  const resolveSecret = async (ref: unknown): Promise<string> => {
    if (typeof ref === 'object' && ref !== null && 'keyVault' in ref) return VAULT_KEY_V1;
    throw new Error('unexpected secret reference');
  };
  await applyPlan(planAzure(hub, HUB_SUB), {
    api,
    hub,
    keys: createJournalKeyStore({ journalDir, hubId: DEPLOYED_HUB_ID, resolveSecret }),
    resolveSecret,
    busyPollMs: 5,
    busyTimeoutMs: 20_000,
  });
  return {
    emu,
    api,
    dir,
    hubFile,
    journalDir,
    caFile,
    secrets,
    env: { TUNNELSMITH_ARM_ENDPOINT: emu.endpoint, TUNNELSMITH_ARM_TOKEN: emu.token, TUNNELSMITH_VAULT_TOKEN: emu.vaultToken, TUNNELSMITH_CA_FILE: caFile, TUNNELSMITH_VAULT_ENDPOINT: emu.vaultEndpoint, TUNNELSMITH_POLL_INTERVAL_MS: '10' },
    async close() {
      await emu.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

// ---- The emulator alone: real SDK clients wired to it, raw HTTPS, a small hub built by hand

export const SUB = '11111111-2222-3333-4444-555555555555';
export const RG = 'rg-hub';
export const LOCATION = 'westus2';
export const FAST = { gatewayMs: 60, connectionMs: 40, setSharedKeyMs: 30, defaultMs: 10 };
/** Poll quickly; the emulator answers Retry-After: 0 by default. */
export const POLL = { updateIntervalInMs: 5 };

export function staticCredential(token: string): TokenCredential & { scopes: string[] } {
  const scopes: string[] = [];
  return {
    scopes,
    async getToken(scope) {
      scopes.push(...(Array.isArray(scope) ? scope : [scope]));
      return { token, expiresOnTimestamp: Date.now() + 3600_000 };
    },
  };
}

export function networkClient(emu: RunningEmulator, token = emu.token, sub = SUB): NetworkManagementClient {
  return new NetworkManagementClient(staticCredential(token), sub, {
    endpoint: emu.endpoint,
    credentialScopes: ['https://management.azure.com/.default'],
    tlsOptions: { ca: emu.caPem },
    retryOptions: { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
  });
}

export function resourcesClient(emu: RunningEmulator, sub = SUB): ResourceManagementClient {
  return new ResourceManagementClient(staticCredential(emu.token), sub, {
    endpoint: emu.endpoint,
    credentialScopes: ['https://management.azure.com/.default'],
    tlsOptions: { ca: emu.caPem },
    retryOptions: { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  text: string;
}

/** One HTTPS request to the emulator, trusting its CA; the token defaults to the emulator's. */
export function raw(
  emu: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
  opts: { token?: string | null; base?: string } = {},
): Promise<RawResponse> {
  const url = new URL(path, opts.base ?? emu.endpoint);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = {};
  const token = opts.token === undefined ? emu.token : opts.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (payload !== undefined) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers, ca: emu.caPem, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = undefined;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = text;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export const API = 'api-version=2025-05-01';

export function netPath(type: string, name: string, rg = RG, sub = SUB): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/${type}/${name}`;
}

export function netId(type: string, name: string, rg = RG, sub = SUB): string {
  return netPath(type, name, rg, sub);
}

/** Resource group + VNet (10.10.0.0/16, GatewaySubnet of the given size, one workload subnet). */
export async function createVnet(emu: RunningEmulator, gatewaySubnet = '10.10.255.0/27', name = 'vnet-hub'): Promise<void> {
  await resourcesClient(emu).resourceGroups.createOrUpdate(RG, { location: LOCATION, tags: { 'managed-by': 'tests' } });
  await networkClient(emu).virtualNetworks.beginCreateOrUpdateAndWait(
    RG,
    name,
    {
      location: LOCATION,
      addressSpace: { addressPrefixes: ['10.10.0.0/16'] },
      subnets: [
        { name: 'GatewaySubnet', addressPrefix: gatewaySubnet },
        { name: 'workload', addressPrefix: '10.10.1.0/24' },
      ],
    },
    POLL,
  );
}

export async function createPip(emu: RunningEmulator, name: string, allocation: 'Static' | 'Dynamic' = 'Static'): Promise<void> {
  await networkClient(emu).publicIPAddresses.beginCreateOrUpdateAndWait(
    RG,
    name,
    { location: LOCATION, sku: { name: allocation === 'Static' ? 'Standard' : 'Basic' }, publicIPAllocationMethod: allocation },
    POLL,
  );
}

export function vpnGatewayBody(opts: { pips: string[]; activeActive?: boolean; apipa?: string[]; sku?: string; asn?: number; enableBgp?: boolean; vnet?: string }) {
  const gwId = netId('virtualNetworkGateways', 'vgw-vpn');
  const names = opts.pips.map((_, i) => (i === 0 ? 'default' : 'activeActive'));
  return {
    location: LOCATION,
    gatewayType: 'Vpn',
    vpnType: 'RouteBased',
    sku: { name: opts.sku ?? 'VpnGw1AZ', tier: opts.sku ?? 'VpnGw1AZ' },
    enableBgp: opts.enableBgp ?? true,
    // The SDK calls it `active` (serialized as properties.activeActive).
    active: opts.activeActive ?? false,
    ipConfigurations: opts.pips.map((pip, i) => ({
      name: names[i],
      subnet: { id: `${netId('virtualNetworks', opts.vnet ?? 'vnet-hub')}/subnets/GatewaySubnet` },
      publicIPAddress: { id: netId('publicIPAddresses', pip) },
    })),
    bgpSettings: {
      asn: opts.asn ?? 65515,
      bgpPeeringAddresses: (opts.apipa ?? []).map((ip, i) => ({ ipconfigurationId: `${gwId}/ipConfigurations/${names[i]}`, customBgpIpAddresses: [ip] })),
    },
  };
}

export const SECURE_POLICY = {
  ikeEncryption: 'AES256',
  ikeIntegrity: 'SHA256',
  dhGroup: 'DHGroup14',
  ipsecEncryption: 'GCMAES256',
  ipsecIntegrity: 'GCMAES256',
  pfsGroup: 'PFS2048',
  saLifeTimeSeconds: 27000,
  saDataSizeKilobytes: 102400000,
};

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls a resource (path without query) until its provisioningState is `state` (5 s at most). */
export async function waitForState(emu: RunningEmulator, path: string, state = 'Succeeded'): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const res = await raw(emu, 'GET', `${path}?${API}`);
    if (res.body?.properties?.provisioningState === state) return;
    await sleep(10);
  }
  throw new Error(`${path} did not reach ${state}`);
}

/** Calls `get` every 10 ms until `done(result)` (5 s at most); returns the last result. */
export async function pollUntil<T>(get: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  let v = await get();
  for (let i = 0; i < 500 && !done(v); i++) {
    await sleep(10);
    v = await get();
  }
  return v;
}
