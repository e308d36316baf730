/**
 * Network namespaces and links for the lab. Every namespace is recorded in the run's state so teardown
 * deletes it; links are created directly inside the namespaces (no name ever lives in the root namespace).
 */
import { run } from './run';
import type { LabState } from './state';

/** Creates a namespace with loopback up, forwarding on and reverse-path filtering off. */
export async function createNamespace(state: LabState, role: string): Promise<string> {
  const ns = state.nsName(role);
  await run(['ip', 'netns', 'add', ns]);
  state.recordNamespace(ns);
  await run(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
  await run(
    ['sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0'],
    { ns },
  );
  return ns;
}

/** A veth pair between two namespaces, both ends up. */
export async function vethBetween(nsA: string, ifA: string, nsB: string, ifB: string): Promise<void> {
  await run(['ip', 'link', 'add', ifA, 'netns', nsA, 'type', 'veth', 'peer', 'name', ifB, 'netns', nsB]);
  await run(['ip', '-n', nsA, 'link', 'set', ifA, 'up']);
  await run(['ip', '-n', nsB, 'link', 'set', ifB, 'up']);
}

export async function addAddress(ns: string, dev: string, cidr: string): Promise<void> {
  await run(['ip', '-n', ns, 'addr', 'add', cidr, 'dev', dev]);
}

export async function delAddress(ns: string, dev: string, cidr: string): Promise<void> {
  await run(['ip', '-n', ns, 'addr', 'del', cidr, 'dev', dev]);
}

export async function addRoute(ns: string, args: string[]): Promise<void> {
  await run(['ip', '-n', ns, 'route', 'replace', ...args]);
}

export async function setLink(ns: string, dev: string, updown: 'up' | 'down'): Promise<void> {
  await run(['ip', '-n', ns, 'link', 'set', dev, updown]);
}

/** The device the kernel would send a packet to `dst` from, e.g. `ipsec0` or `er`. */
export async function routeDevice(ns: string, dst: string): Promise<string> {
  const r = await run(['ip', '-j', 'route', 'get', dst], { ns });
  const parsed = JSON.parse(r.stdout) as { dev?: string }[];
  return parsed[0]?.dev ?? '';
}

/** Packet counters of one interface. */
export async function linkCounters(ns: string, dev: string): Promise<{ txPackets: number; rxPackets: number }> {
  const r = await run(['ip', '-j', '-s', 'link', 'show', 'dev', dev], { ns });
  const parsed = JSON.parse(r.stdout) as { stats64?: { tx: { packets: number }; rx: { packets: number } } }[];
  const s = parsed[0]?.stats64;
  return { txPackets: s?.tx.packets ?? 0, rxPackets: s?.rx.packets ?? 0 };
}

/** Kernel policy-routing rules, as `ip -j rule` gives them. */
export async function listRules(ns: string): Promise<{ priority: number; table: string }[]> {
  const r = await run(['ip', '-j', 'rule', 'show'], { ns });
  return JSON.parse(r.stdout) as { priority: number; table: string }[];
}
