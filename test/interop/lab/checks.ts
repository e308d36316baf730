/**
 * What the lab observes and how it names a failure: tunnels up, forced CHILD_SA rekey with a new SA,
 * BGP sessions and learned routes on both sides, and the diagnosis of a tunnel that did not come up.
 */
import type { Bird } from './bird';
import type { Charon } from './charon';
import type { Frr } from './frr';
import { waitFor } from './run';
import type { ChildSa, IkeSa } from './vici';

export interface TunnelState {
  connection: string;
  ike?: IkeSa;
  /** The INSTALLED CHILD_SAs of the connection's IKE_SA. */
  installed: ChildSa[];
}

/** IKE_SA ESTABLISHED and at least one CHILD_SA INSTALLED. */
export function tunnelUp(t: TunnelState): boolean {
  return t.ike?.state === 'ESTABLISHED' && t.installed.length > 0;
}

export async function tunnelStates(charon: Charon, connections: string[]): Promise<TunnelState[]> {
  const sas = await charon.listSas();
  return connections.map((connection) => {
    const ike = sas.find((s) => s.name === connection && s.state === 'ESTABLISHED') ?? sas.find((s) => s.name === connection);
    return { connection, ike, installed: ike ? ike.children.filter((c) => c.state === 'INSTALLED') : [] };
  });
}

/** Waits until every connection is up on this side; returns the states. */
export async function waitTunnelsUp(charon: Charon, connections: string[], timeoutMs: number): Promise<TunnelState[]> {
  let last: TunnelState[] = [];
  return waitFor(
    `${connections.join(', ')} ESTABLISHED with a CHILD_SA INSTALLED (${charon.label})`,
    async () => {
      last = await tunnelStates(charon, connections);
      if (last.every(tunnelUp)) return last;
      throw new Error(last.map((t) => `${t.connection}: IKE ${t.ike?.state ?? 'none'}, ${t.installed.length} child(ren) installed`).join('; '));
    },
    timeoutMs,
  );
}

export type RekeyOutcome =
  | { ok: true; before: ChildSa; after: ChildSa }
  | { ok: false; before: ChildSa; reason: string };

/**
 * Forces a CHILD_SA rekey and requires a NEW SA (another unique id and SPIs). `swanctl --rekey` says
 * "rekey completed successfully" even when the peer refused the CREATE_CHILD_SA (a PFS mismatch shows
 * only here), so its output is not trusted.
 */
export async function forceChildRekey(charon: Charon, connection: string, child: string, timeoutMs = 5_000): Promise<RekeyOutcome> {
  const [state] = await tunnelStates(charon, [connection]);
  const before = state.installed.find((c) => c.name === child);
  if (!before) throw new Error(`no INSTALLED CHILD_SA ${child} to rekey on ${charon.label}`);
  await charon.rekeyChild(child);
  try {
    const after = await waitFor(
      `a new CHILD_SA for ${child}`,
      async () => {
        const [s] = await tunnelStates(charon, [connection]);
        return s.installed.find((c) => c.name === child && c.uniqueId !== before.uniqueId && c.spiIn !== before.spiIn);
      },
      timeoutMs,
      100,
    );
    return { ok: true, before, after };
  } catch (e) {
    return { ok: false, before, reason: (e as Error).message };
  }
}

/**
 * Names why a tunnel did not come up (or did not rekey), from the appliance's charon log (the initiator
 * sees the responder's notify) and the Azure side's log. `undefined`: nothing recognised.
 */
export type TunnelDiagnosis = 'authentication-failed' | 'ike-proposal-mismatch' | 'esp-proposal-mismatch' | 'pfs-mismatch' | 'peer-not-responding';

export function diagnoseTunnelFailure(onPremLog: string, azureLog: string, phase: 'establish' | 'rekey'): TunnelDiagnosis | undefined {
  if (phase === 'rekey') {
    // CREATE_CHILD_SA with a KE payload the responder's proposal does not carry (or the reverse)
    if (/received (NO_PROPOSAL_CHOSEN|INVALID_KE_PAYLOAD) notify/.test(onPremLog) || /no acceptable proposal found/.test(azureLog)) {
      return 'pfs-mismatch';
    }
    return undefined;
  }
  if (/received AUTHENTICATION_FAILED notify error/.test(onPremLog) || /MAC mismatched|verification of AUTH payload.*failed/i.test(azureLog)) {
    return 'authentication-failed';
  }
  if (/received NO_PROPOSAL_CHOSEN notify error/.test(onPremLog)) {
    // in IKE_SA_INIT the IKE proposal, in IKE_AUTH the ESP proposal (the first CHILD_SA)
    if (/received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built/.test(onPremLog)) return 'esp-proposal-mismatch';
    return 'ike-proposal-mismatch';
  }
  if (/received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built/.test(onPremLog)) return 'esp-proposal-mismatch';
  if (/giving up after \d+ retransmits|peer not responding/i.test(onPremLog)) return 'peer-not-responding';
  return undefined;
}

/** The CHILD_SAs' if_id values must be distinct per tunnel: each binds to its own XFRM interface. */
export function sharedInterfaceIds(states: TunnelState[]): { ifId: string; connections: string[] }[] {
  const byId = new Map<string, string[]>();
  for (const t of states) {
    for (const c of t.installed) {
      for (const id of new Set([c.ifIdIn, c.ifIdOut])) {
        if (id === undefined) continue;
        const list = byId.get(id) ?? [];
        if (!list.includes(t.connection)) list.push(t.connection);
        byId.set(id, list);
      }
    }
  }
  return [...byId.entries()].filter(([, conns]) => conns.length > 1).map(([ifId, connections]) => ({ ifId, connections }));
}

/** Waits until every FRR neighbor is Established. */
export async function waitFrrEstablished(frr: Frr, neighbors: string[], timeoutMs: number): Promise<void> {
  await waitFor(
    `FRR sessions to ${neighbors.join(', ')} Established`,
    async () => {
      const ns = await frr.bgpNeighbors();
      const missing = neighbors.filter((n) => ns.find((x) => x.address === n)?.state !== 'Established');
      if (missing.length === 0) return true;
      throw new Error(ns.map((n) => `${n.address}: ${n.state}`).join('; '));
    },
    timeoutMs,
  );
}

/** Waits until every BIRD protocol is up with its BGP session Established. */
export async function waitBirdEstablished(bird: Bird, protocols: string[], timeoutMs: number): Promise<void> {
  await waitFor(
    `BIRD protocols ${protocols.join(', ')} Established`,
    async () => {
      const ps = await bird.protocols();
      const missing = protocols.filter((n) => {
        const p = ps.find((x) => x.name === n);
        return !(p && p.state === 'up' && /Established/.test(p.info));
      });
      if (missing.length === 0) return true;
      throw new Error(ps.map((p) => `${p.name}: ${p.state} ${p.info}`).join('; '));
    },
    timeoutMs,
  );
}

/** Waits until FRR holds `prefix` from each of `peers` (accepted after the inbound route-map). */
export async function waitFrrLearned(frr: Frr, prefix: string, peers: string[], timeoutMs: number): Promise<void> {
  await waitFor(
    `${prefix} learned from ${peers.join(', ')}`,
    async () => {
      const paths = await frr.bgpPaths(prefix);
      const missing = peers.filter((p) => !paths.some((x) => x.peer === p));
      if (missing.length === 0) return true;
      throw new Error(`paths from ${paths.map((p) => p.peer).join(', ') || 'nobody'}`);
    },
    timeoutMs,
  );
}

/** Waits until each BIRD protocol imported `prefix`. */
export async function waitBirdLearned(bird: Bird, prefix: string, protocols: string[], timeoutMs: number): Promise<void> {
  await waitFor(
    `${prefix} learned by ${protocols.join(', ')}`,
    async () => {
      const missing: string[] = [];
      for (const p of protocols) if (!(await bird.routesFrom(p)).includes(prefix)) missing.push(p);
      if (missing.length === 0) return true;
      throw new Error(`not yet from ${missing.join(', ')}`);
    },
    timeoutMs,
  );
}

/**
 * A swanctl.conf where every tunnel uses the first tunnel's if_id: what a rendering defect that shares
 * one XFRM interface between tunnels would produce (negative case). Pure.
 */
export function withSharedInterfaceId(conf: string): string {
  const ids = [...conf.matchAll(/^\s*if_id_(?:in|out)\s*=\s*(\S+)\s*$/gm)].map((m) => m[1]);
  if (new Set(ids).size < 2) throw new Error('the config has fewer than two distinct if_id values to merge');
  return conf.replace(/^(\s*if_id_(?:in|out)\s*=\s*)(\S+)(\s*)$/gm, (_m, head: string, _id: string, tail: string) => `${head}${ids[0]}${tail}`);
}
