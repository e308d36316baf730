/**
 * The two gateways of a hub are created at once (Azure dropped "ExpressRoute first" in 2018, and the
 * emulator accepts both being built by default). Where Azure refuses the second with 409
 * AnotherOperationInProgress (the emulator's refuseConcurrentGateways), it waits for the first and is
 * created then: one refused request at worst, said in the progress, remembered for the run. Any other
 * refusal is reported at once.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { ApplyEvent } from '../../../src/azure/deploy/events';
import { ExitCode } from '../../../src/errors';
import { cliRunner } from '../../support/cli';
import { seedCircuit, startHarness, type Harness } from '../../support/emulator';
import { demoHub } from '../../support/hubs';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ durations: { gatewayMs: 400 } });
});
afterEach(async () => {
  await h.close();
});

function hub(rg: string) {
  const x = demoHub({ rg });
  x.azure.expressRoute!.circuitId = seedCircuit(h, `${rg}-provider`);
  return x;
}

const GATEWAYS = ['erGateway:ra-hybrid-er-vgw', 'vpnGateway:ra-hybrid-vpn-vgw'];
const at = (events: ApplyEvent[], type: ApplyEvent['type'], id: string) => events.findIndex((e) => e.type === type && 'id' in e && e.id === id && (type !== 'end' || (e as { outcome: string }).outcome === 'done'));
const gatewayPuts = (h: Harness) => h.emu.control.requestLog().filter((r) => r.method === 'PUT' && /virtualNetworkGateways\/[^/]+$/.test(r.path));

test('by default both gateways are built at once: the second is sent before the first is done, Azure never refuses', async () => {
  h.emu.control.clearRequestLog();
  const report = await h.deploy(hub('together-rg'));
  expect(report.waiting).toEqual([]);
  const [er, vpn] = GATEWAYS;
  const firstEnd = Math.min(at(h.events, 'end', er), at(h.events, 'end', vpn));
  expect(at(h.events, 'start', er)).toBeLessThan(firstEnd);
  expect(at(h.events, 'start', vpn)).toBeLessThan(firstEnd);
  expect(gatewayPuts(h).map((r) => r.status)).toEqual([201, 201]);
  expect(h.emu.control.requestLog().filter((r) => r.status === 409)).toEqual([]);
  expect(h.events.some((e) => e.type === 'note' && /one at a time/.test(e.message))).toBe(false);
});

test('where Azure refuses the second (409), it waits for the first and is built then: one refused request, said once in the progress', async () => {
  h.emu.control.setRules({ refuseConcurrentGateways: true });
  const file = path.join(h.dir, 'sequential.yaml');
  await fs.writeFile(file, stringify(hub('sequential-rg')));
  h.emu.control.clearRequestLog();
  const cli = await cliRunner(h);
  const r = await cli(['deploy', '--file', file]);
  expect(r.code).toBe(ExitCode.ok);
  const puts = gatewayPuts(h);
  expect(puts.map((p) => p.status).sort()).toEqual([201, 201, 409]);
  expect(h.emu.control.requestLog().filter((e) => e.status === 409)).toHaveLength(1);
  const notes = r.err.split('\n').filter((l) => /Azure builds these one at a time here: it refused/.test(l));
  expect(notes).toHaveLength(1);
  expect(notes[0]).toMatch(/it refused (VPN|ExpressRoute) gateway \S+ while (VPN|ExpressRoute) gateway \S+ is being built \(409 AnotherOperationInProgress\); .* is created once that one is done/);
  expect(r.err).toMatch(/Azure builds these one at a time here: waiting for (VPN|ExpressRoute) gateway/);
  // The refused one went again only once the first was built.
  const [refusedAt] = puts.filter((p) => p.status === 409).map((p) => Date.parse(p.time));
  const accepted = puts.filter((p) => p.status === 201).map((p) => Date.parse(p.time)).sort((a, b) => a - b);
  expect(accepted[0]).toBeLessThanOrEqual(refusedAt);
  expect(accepted[1] - accepted[0]).toBeGreaterThanOrEqual(400);
  for (const name of ['ra-hybrid-er-vgw', 'ra-hybrid-vpn-vgw']) expect(await h.api.getGateway('sequential-rg', name)).toMatchObject({ provisioningState: 'Succeeded' });
  expect(await h.api.getConnection('sequential-rg', 'ra-hybrid-er-cn')).toMatchObject({ provisioningState: 'Succeeded' });
});

test('any other refusal of a gateway is reported at once, never waited on', async () => {
  h.emu.control.addFault({ kind: 'failOperation', method: 'PUT', path: '/virtualNetworkGateways/ra-hybrid-vpn-vgw$', count: 1, code: 'GatewaySubnetTooSmallForCoexistence', message: 'The GatewaySubnet is too small.' });
  h.emu.control.clearRequestLog();
  const e = await h.deploy(hub('refused-rg')).then(() => undefined, (x: unknown) => x);
  expect(e).toMatchObject({ exitCode: ExitCode.azure, details: { field: 'azure.vnet.gatewaySubnet' } });
  expect(gatewayPuts(h).filter((p) => /ra-hybrid-vpn-vgw$/.test(p.path))).toHaveLength(1);
  expect(h.events.some((x) => x.type === 'note' && /one at a time/.test(x.message))).toBe(false);
});
