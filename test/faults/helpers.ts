/**
 * What the fault and crash tests check after a run: the resources Azure holds are exactly the planned
 * ones, in the planned state, and every shared key Azure holds is one the key journal knows.
 */
import path from 'node:path';
import type { AzureApi } from '../../src/azure/client/api';
import { diffAgainstAzure, readActualState } from '../../src/azure/deploy/read';
import type { NetworkResourceType } from '../../src/azure/client/model';
import type { AzurePlan } from '../../src/azure/deploy/plan';
import type { PlannedResource } from '../../src/azure/resources/contract';
import type { RequestLogEntry } from '../../src/emulator';
import { readKeyJournal } from '../../src/io/keyJournal';
import { answeredAt, type KillPoint, type SeenRequest } from '../support/cli';

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

// defaultBgpIps: Azure hands GatewaySubnet addresses out in the order gateways are created, and the two
// gateways are created at once.
const VOLATILE = new Set(['provisioningState', 'connectionStatus', 'ipAddress', 'tunnelIps', 'legacyBgpPeeringAddress', 'defaultBgpIps']);

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
  return log.filter(isArmWrite);
}

/** ARM writes (not GET): the anchors of the deploy's kill points. */
export function isArmWrite(e: RequestLogEntry): boolean {
  return e.service === 'arm' && e.method !== 'GET';
}

/**
 * `count` kill points over an uninterrupted reference run, anchored on its requests that `match`
 * selects (their number and order do not depend on the machine's load). The candidates are: right
 * after each anchor was answered, and halfway (as the reference timed it) from there to the next
 * anchor, which lands in the middle of the operation the anchor started when that operation sets the
 * gap. The points are spread evenly over the candidates, first and last included. When each anchor
 * starts an operation the run waits for, every point comes before the run's end.
 */
export function killPointsOver(reference: SeenRequest[], match: (e: RequestLogEntry) => boolean, count: number): KillPoint[] {
  const anchors = reference.filter(match).map(answeredAt);
  const candidates = anchors.flatMap((at, i): KillPoint[] => {
    const now = { match, nth: i + 1, delayMs: 0 };
    return i + 1 < anchors.length ? [now, { ...now, delayMs: Math.round((anchors[i + 1] - at) / 2) }] : [now];
  });
  if (count < 2) throw new Error('kill points: at least 2 (the first and the last candidate)');
  if (candidates.length < count) throw new Error(`${count} kill points need at least ${count} candidates; the reference run has ${candidates.length}`);
  return Array.from({ length: count }, (_, i) => candidates[Math.round((i * (candidates.length - 1)) / (count - 1))]);
}

/** Where a kill point is, for a failure message: `after PUT virtualNetworks/x (#3) +120 ms`. */
export function describeKillPoint(reference: SeenRequest[], p: KillPoint): string {
  const e = reference.filter(p.match)[p.nth - 1];
  return `after ${e.method} ${e.path.replace(/^.*\/providers\/[^/]+\//, '')} (#${p.nth}) +${p.delayMs} ms`;
}

/** The preload that kills a child right before its n-th rename or fsync under a folder (see the file). */
export const KILL_AT_FS_OP = path.join(__dirname, 'helpers', 'killAtFsOp.js');
