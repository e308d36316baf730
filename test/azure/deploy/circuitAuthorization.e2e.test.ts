/**
 * An ExpressRoute circuit in another subscription, used with its owner's authorization key: tunnelsmith
 * never reads it (the emulator answers 403 to any request in its resource group, as Azure does for a
 * caller without a role there), creates the connection with the circuit's id and the key, explains a 403
 * or a wrong key naming the hub-file field, and verify judges ExpressRoute from the connection and routes.
 */
import { ExitCode } from '../../../src/errors';
import { verifyLive } from '../../../src/azure/verifyLive';
import { startHarness, type Harness } from '../../support/emulator';
import { demoHub } from '../../support/hubs';
import type { Hub } from '../../../src/hub/types';

const OWNER_SUB = '22222222-2222-2222-2222-222222222222';
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

function ownersCircuit(name: string) {
  return h.emu.control.addProvisionedCircuit({ subscriptionId: OWNER_SUB, resourceGroup: 'owner-er-rg', name, location: 'centralus', readable: false, authorizationKey: true });
}

function hubWith(rg: string, circuitId: string, withKey: boolean): Hub {
  const hub = demoHub({ rg });
  hub.azure.expressRoute!.circuitId = circuitId;
  if (withKey) hub.azure.expressRoute!.authorizationKey = { env: 'ER_AUTH_KEY' };
  return hub;
}

const circuitRequests = (h: Harness) => h.emu.control.requestLog().filter((r) => /expressRouteCircuits/i.test(r.path));

test('with the authorization key: the circuit is never read, the connection is made with id + key, verify says "not readable (authorization key)"', async () => {
  const c = ownersCircuit('owner-erc');
  const hub = hubWith('auth-rg', c.id, true);
  h.emu.control.clearRequestLog();
  const report = await h.deploy(hub, { resolveSecret: async () => c.authorizationKey! });
  expect(report.waiting).toEqual([]);
  expect(circuitRequests(h)).toEqual([]);
  expect(await h.api.getConnection('auth-rg', 'ra-hybrid-er-cn')).toMatchObject({ provisioningState: 'Succeeded', circuitId: c.id });

  h.emu.control.setSiteAdvertisedPrefixes('ra-hybrid-vpn-cn', ['192.168.0.0/16']);
  h.emu.control.clearRequestLog();
  const v = await verifyLive(h.api, hub);
  expect(circuitRequests(h)).toEqual([]);
  expect(v.expressRoute!.checks).toContainEqual({ name: 'circuit', ok: true, detail: expect.stringMatching(/^owner-erc: not readable \(authorization key\): the circuit is its owner's; ExpressRoute is judged from the connection's state and the routes the gateway learns$/) });
  expect(v.expressRoute!.checks).toContainEqual(expect.objectContaining({ name: 'connection', ok: true }));
  expect(v.reasons).toEqual([]);
  // The path down: judged from the routes, never from the circuit.
  h.emu.control.setExpressRoutePath('down', c.id);
  const down = await verifyLive(h.api, hub);
  expect([down.ready, down.failover]).toEqual([false, 'on-vpn']);
  h.emu.control.setExpressRoutePath('up', c.id);
});

test('a wrong (or already used) authorization key: exit 4 naming azure.expressRoute.authorizationKey and what to do', async () => {
  const c = ownersCircuit('owner-erc-2');
  const hub = hubWith('badkey-rg', c.id, true);
  const e = await h.deploy(hub, { resolveSecret: async () => 'not-the-owners-key' }).then(() => undefined, (x: unknown) => x);
  expect(e).toMatchObject({ exitCode: ExitCode.azure, details: { field: 'azure.expressRoute.authorizationKey', azureCode: 'AuthorizationKeyInvalid' } });
  expect((e as Error).message).toMatch(/^azure\.expressRoute\.authorizationKey: create or update connection ra-hybrid-er-cn failed/);
  expect((e as { hint: string }).hint).toMatch(/authorization key is wrong, revoked, or already used by another connection \(one key serves one connection\)/);
});

test('someone else\'s circuit without the key: the 403 is explained, naming circuitId and authorizationKey, before anything is written', async () => {
  const c = ownersCircuit('owner-erc-3');
  const hub = hubWith('nokey-rg', c.id, false);
  h.emu.control.clearRequestLog();
  const e = await h.deploy(hub).then(() => undefined, (x: unknown) => x);
  expect(e).toMatchObject({ code: 'CircuitNotReadable', exitCode: ExitCode.azure, details: { field: 'azure.expressRoute.circuitId', statusCode: 403 } });
  expect((e as Error).message).toMatch(/^azure\.expressRoute\.circuitId: this identity may not read the ExpressRoute circuit .*owner-erc-3 \(403 AuthorizationFailed\): it belongs to someone else$/);
  expect((e as { hint: string }).hint).toMatch(/set azure\.expressRoute\.authorizationKey/);
  // Nothing written for this hub. (The previous test's failed deploy stopped waiting for its VPN
  // connection, whose PUT may still reach the emulator now: Azure, too, finishes a write the caller left.)
  expect(h.writes().filter((w) => w.path.includes('/resourceGroups/nokey-rg/'))).toEqual([]);
});
