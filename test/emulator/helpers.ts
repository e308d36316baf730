/** Shared helpers for the emulator tests: real SDK clients wired to the emulator, raw HTTPS, a small hub. */
import https from 'node:https';
import { NetworkManagementClient } from '@azure/arm-network';
import { ResourceManagementClient } from '@azure/arm-resources';
import type { TokenCredential } from '@azure/core-auth';
import type { RunningEmulator } from '../../src/emulator';

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
