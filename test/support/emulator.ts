/** End-to-end harness: the real SDK against an in-process emulator (durations in ms). */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AzureApi } from '../../src/azure/client/api';
import { applyPlan } from '../../src/azure/deploy/apply';
import type { ApplyReport } from '../../src/azure/deploy/run';
import type { ApplyEvent } from '../../src/azure/events';
import { staticTokenCredential } from '../../src/azure/client/credentials';
import { planAzure } from '../../src/azure/deploy/plan';
import { createSdkApi } from '../../src/azure/client/sdk';
import { createJournalKeyStore } from '../../src/azure/sharedKeys';
import { startEmulator, type EmulatorDurations, type RunningEmulator } from '../../src/emulator';
import type { Hub } from '../../src/hub/types';
import { circuitId, SUB } from './hubs';

export const FAST: EmulatorDurations = { gatewayMs: 120, connectionMs: 40, setSharedKeyMs: 20, defaultMs: 5 };

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
  const emu = await startEmulator({ durations: { ...FAST, ...opts.durations }, ...(opts.requireExpressRouteGatewayFirst ? { requireExpressRouteGatewayFirst: true } : {}) });
  const api = createSdkApi({
    credential: staticTokenCredential(emu.token),
    subscriptionId: SUB,
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
      const plan = planAzure(hub, SUB);
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
  return h.emu.control.addProvisionedCircuit({ subscriptionId: SUB, resourceGroup: rg, name, location: 'centralus' }).id;
}

/** Writes that hit one resource type, e.g. `PUT virtualNetworkGateways`. */
export function writesTo(h: Harness, method: string, type: string): number {
  return h.writes().filter((w) => w.method === method && new RegExp(`/${type}/[^/]+$`, 'i').test(w.path)).length;
}

export { circuitId };
