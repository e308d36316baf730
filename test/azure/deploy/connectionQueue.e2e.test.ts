/**
 * Azure writes one gateway's connections one at a time (409 AnotherOperationInProgress to a sibling
 * meanwhile, which the emulator answers too): deploy queues them per gateway and never collides with
 * itself; someone else's 409 is waited out, up to the shared --timeout, then exit 4.
 */
import { ExitCode } from '../../../src/errors';
import { cliRunner } from '../../support/cli';
import { seedCircuit, startHarness, type Harness } from '../../support/emulator';
import { demoHub, site } from '../../support/hubs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Hub } from '../../../src/hub/types';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ durations: { connectionMs: 60 } });
});
afterEach(async () => {
  await h.close();
});

function fourSites(rg: string): Hub {
  const x = demoHub({
    rg,
    sites: [0, 1, 2, 3].map((i) => site({ name: `s${i}`, publicIp: `40.50.60.${70 + i}`, addressSpace: [`172.${16 + i}.0.0/16`], bgp: undefined, localNetworkGatewayName: `lng-s${i}`, connectionName: `cn-s${i}` })),
  });
  x.azure.expressRoute!.circuitId = seedCircuit(h, `${rg}-provider`);
  return x;
}

const conflicts = (h: Harness) => h.emu.control.requestLog().filter((r) => r.status === 409);

test('four connections of one gateway: created one at a time, Azure never answers 409, progress says why they queue', async () => {
  const x = fourSites('queue-rg');
  const report = await h.deploy(x);
  expect(report.waiting).toEqual([]);
  expect(conflicts(h)).toEqual([]);
  const puts = h.writes().filter((w) => /\/connections\/cn-s\d$/.test(w.path));
  expect(puts.map((w) => w.status)).toEqual([201, 201, 201, 201]);
  const queued = h.events.filter((e) => e.type === 'state' && /^queued: Azure writes the connections of gateway ra-hybrid-vpn-vgw one at a time$/.test(e.state));
  expect(queued.length).toBeGreaterThanOrEqual(3);
  for (const i of [0, 1, 2, 3]) expect(await h.api.getConnection('queue-rg', `cn-s${i}`)).toMatchObject({ provisioningState: 'Succeeded' });
  // The ExpressRoute connection belongs to another gateway: it is not queued behind the VPN ones.
  expect(h.events.some((e) => e.type === 'state' && e.id === 'erConnection:ra-hybrid-er-cn' && /^queued/.test(e.state))).toBe(false);
});

test('an update of every connection (a new policy) is one at a time too', async () => {
  const x = fourSites('update-rg');
  await h.deploy(x);
  for (const s of x.sites) s.dpdTimeoutSeconds = 30;
  h.emu.control.clearRequestLog();
  await h.deploy(x);
  expect(conflicts(h)).toEqual([]);
  expect(h.writes().filter((w) => /\/connections\//.test(w.path)).map((w) => w.status)).toEqual([200, 200, 200, 200]);
});

test('someone else\'s operation (409 on a connection) is waited out and the write goes again', async () => {
  const x = fourSites('other-rg');
  h.emu.control.addFault({ kind: '409-another-operation', method: 'PUT', path: '/connections/cn-s2$', count: 3 });
  const report = await h.deploy(x);
  expect(report.waiting).toEqual([]);
  expect(h.emu.control.counts().faults).toEqual({ '409-another-operation': 3 });
  expect(h.events.filter((e) => e.type === 'state' && e.id === 'ipsecConnection:cn-s2' && e.state === 'waiting: another operation is in progress')).toHaveLength(3);
  expect(await h.api.getConnection('other-rg', 'cn-s2')).toMatchObject({ provisioningState: 'Succeeded' });
});

test('a 409 that lasts past --timeout ends deploy with exit 4 naming the connection; the others are in place', async () => {
  const x = fourSites('timeout-rg');
  await fs.writeFile(path.join(h.dir, 'hub.yaml'), stringify(x));
  h.emu.control.addFault({ kind: '409-another-operation', method: 'PUT', path: '/connections/cn-s1$', rate: 1 });
  const cli = await cliRunner(h);
  const r = await cli(['deploy', '--file', 'hub.yaml', '--timeout', '1']);
  expect(r.code).toBe(ExitCode.azure);
  expect(r.err).toMatch(/error \[OperationStillInProgress\]: connection cn-s1: another operation kept the gateway busy for longer than 1 s/);
  h.emu.control.clearFaults();
  expect(await h.api.getConnection('timeout-rg', 'cn-s1')).toBeUndefined();
});
