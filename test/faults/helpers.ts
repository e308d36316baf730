/**
 * What the fault and crash tests check after a run: the resources Azure holds are exactly the planned
 * ones, in the planned state, and every shared key Azure holds is one the key journal knows.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { AzureApi } from '../../src/azure/api';
import { diffAgainstAzure, readActualState } from '../../src/azure/apply';
import type { NetworkResourceType } from '../../src/azure/model';
import type { AzurePlan, PlannedResource } from '../../src/azure/plan';
import type { RequestLogEntry, RunningEmulator } from '../../src/emulator';
import { readKeyJournal } from '../../src/io/keyJournal';

const TYPE_OF: Record<PlannedResource['kind'], NetworkResourceType | undefined> = {
  resourceGroup: undefined,
  virtualNetwork: 'virtualNetworks',
  publicIp: 'publicIPAddresses',
  erGateway: 'virtualNetworkGateways',
  vpnGateway: 'virtualNetworkGateways',
  localNetworkGateway: 'localNetworkGateways',
  ipsecConnection: 'connections',
  erConnection: 'connections',
};
const TYPES: NetworkResourceType[] = ['virtualNetworks', 'publicIPAddresses', 'virtualNetworkGateways', 'localNetworkGateways', 'connections'];

/** `type/name` of every network resource the plan creates, sorted. */
export function plannedResourceNames(plan: AzurePlan): string[] {
  return plan.resources.flatMap((r) => (TYPE_OF[r.kind] ? [`${TYPE_OF[r.kind]}/${r.name}`] : [])).sort();
}

/** `type/name` of every network resource in the group (by listing, so extra resources show), sorted. */
export async function listedResourceNames(api: AzureApi, rg: string): Promise<string[]> {
  const lists = await Promise.all(TYPES.map(async (t) => (await api.listByType(rg, t)).map((r) => `${t}/${r.name}`)));
  return lists.flat().sort();
}

/** Planned actions still pending (empty when Azure holds the planned state). */
export async function pendingChanges(api: AzureApi, plan: AzurePlan): Promise<string[]> {
  const diff = await diffAgainstAzure(api, plan);
  return [...diff.changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.resource.key}`), ...diff.conflicts.map((p) => `conflict ${p.path}`)];
}

const VOLATILE = new Set(['provisioningState', 'connectionStatus', 'ipAddress', 'tunnelIps', 'legacyBgpPeeringAddress']);

/** What Azure holds for the planned resources, without the values the service assigns at random or over time. */
export async function stateSnapshot(api: AzureApi, plan: AzurePlan): Promise<unknown> {
  const actual = await readActualState(api, plan);
  return JSON.parse(JSON.stringify(actual, (k, v: unknown) => (VOLATILE.has(k) ? undefined : v)));
}

/** Every key the journal holds for a connection (current, pending, previous). */
export async function journalKeys(journalDir: string, hubId: string, connection: string): Promise<string[]> {
  const e = await readKeyJournal(journalDir, hubId, connection);
  return [e?.current?.key, e?.pending?.key, e?.previous?.key].filter((k): k is string => typeof k === 'string');
}

/**
 * Connections that exist in Azure with a key the journal does not know (a lost key). Connections
 * whose key came from a hub reference (`referenced`) are known by definition.
 */
export async function keysNotInJournal(api: AzureApi, rg: string, journalDir: string, hubId: string, connections: string[], referenced: Record<string, string> = {}): Promise<string[]> {
  const lost: string[] = [];
  for (const name of connections) {
    const cn = await api.getConnection(rg, name);
    if (!cn) continue;
    const key = await api.getSharedKey(rg, name);
    if (referenced[name] === key) continue;
    if (!(await journalKeys(journalDir, hubId, name)).includes(key)) lost.push(name);
  }
  return lost;
}

/** ARM writes (not GET) the service accepted (2xx). */
export function acceptedWrites(log: RequestLogEntry[]): RequestLogEntry[] {
  return log.filter((e) => e.service === 'arm' && e.method !== 'GET' && e.status >= 200 && e.status < 300);
}

/** ARM write attempts (not GET), whatever the answer. */
export function writeAttempts(log: RequestLogEntry[]): RequestLogEntry[] {
  return log.filter((e) => e.service === 'arm' && e.method !== 'GET');
}

const CLI_CHILD = path.join(__dirname, '..', 'rotation', 'helpers', 'cliChild.js');

export interface KilledRun {
  /** True when the process was killed; false when it finished before the kill point. */
  killed: boolean;
  code: number | null;
  output: string;
  /** Requests the emulator had seen from this run when the kill was sent. */
  requestsAtKill: number;
}

/**
 * Runs the CLI (from the sources) in a child process and kills it with SIGKILL once the emulator has
 * answered `afterRequests` more requests (ARM and Key Vault) than when it started.
 */
export function runCliKilledAfter(emu: RunningEmulator, argv: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; afterRequests: number }): Promise<KilledRun> {
  const base = emu.control.counts().requests;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_CHILD, ...argv], { cwd: opts.cwd, env: { PATH: process.env.PATH ?? '', HOME: opts.cwd, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let requestsAtKill = -1;
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const watch = setInterval(() => {
      const seen = emu.control.counts().requests - base;
      if (seen >= opts.afterRequests) {
        clearInterval(watch);
        requestsAtKill = seen;
        child.kill('SIGKILL');
      }
    }, 1);
    child.on('error', (e) => {
      clearInterval(watch);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearInterval(watch);
      resolve({ killed: signal === 'SIGKILL', code, output, requestsAtKill });
    });
  });
}

/** `count` points spread evenly over `total` (1-based, strictly inside the run). */
export function spreadPoints(total: number, count: number): number[] {
  const points = Array.from({ length: count }, (_, k) => Math.max(1, Math.round(((k + 1) * total) / (count + 1))));
  return [...new Set(points)];
}
