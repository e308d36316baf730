/**
 * The two-step ExpressRoute flow when tunnelsmith creates the circuit (`expressRoute.circuit`): the first
 * deploy creates it, prints its service key for the provider, deploys everything else and exits 12; the
 * provider provisions it; the next deploy connects the gateway. `--wait-for-circuit` waits instead.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { EMBEDDED_DEMO_HUB } from '../../../src/cli/commands/demo';
import { ExitCode } from '../../../src/errors';
import { isOwnedBy } from '../../../src/azure/client/model';
import { exec } from '../../../src/cli/exec';
import { captureIo, type CliRun, cliRunner, emulatorEnv, lastJson } from '../../support/cli';
import { startHarness, writesTo, type Harness } from '../../support/emulator';
import { SUB } from '../../support/hubs';

let h: Harness;
let cli: CliRun;
beforeAll(async () => {
  h = await startHarness();
  cli = await cliRunner(h);
});
afterAll(async () => {
  await h.close();
});

const CIRCUIT = 'ra-hybrid-vpn-er-erc';
const circuitId = (rg: string) => `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Network/expressRouteCircuits/${CIRCUIT}`;

/** The demo hub with the circuit to create instead of a circuit id. */
async function hubWithCircuit(rg: string): Promise<string> {
  const file = path.join(h.dir, `${rg}.yaml`);
  const text = EMBEDDED_DEMO_HUB.replace(/resourceGroup: ra-hybrid-vpn-er-rg/, `resourceGroup: ${rg}`).replace(
    /    circuitId: .*\n/,
    `    circuit:
      name: ${CIRCUIT}
      serviceProviderName: Equinix
      peeringLocation: Silicon Valley
      bandwidthInMbps: 50
      skuTier: Premium
      skuFamily: UnlimitedData
`,
  );
  await fs.writeFile(file, text);
  return file;
}

test('deploy before and after provisioning: service key printed (not a secret), exit 12 while waiting, then connected', async () => {
  const rg = 'two-step-rg';
  const file = await hubWithCircuit(rg);

  const plan = await cli(['deploy', '--plan', '--file', file]);
  expect(plan.code).toBe(ExitCode.changesPending);
  expect(plan.out).toMatch(/\+ create +ExpressRoute circuit ra-hybrid-vpn-er-erc \(then give the provider its service key/);
  expect(plan.out).toMatch(/\+ create +ExpressRoute connection ra-hybrid-er-cn/);

  h.emu.control.clearRequestLog();
  const first = await cli(['deploy', '--file', file]);
  expect(first.code).toBe(ExitCode.waiting);
  const circuit = (await h.api.getCircuit(circuitId(rg)))!;
  expect(circuit).toMatchObject({ serviceProviderProvisioningState: 'NotProvisioned', serviceProviderName: 'Equinix', peeringLocation: 'Silicon Valley', bandwidthInMbps: 50, skuTier: 'Premium', skuFamily: 'UnlimitedData' });
  expect(isOwnedBy(circuit.tags, `${rg}/ra-hybrid-vpn-er-vnet`)).toBe(true);
  expect(first.out).toContain(`service key: ${circuit.serviceKey}`);
  expect(first.out).toMatch(/Give this service key to Equinix to provision the circuit\. It is not a secret/);
  expect(first.out).toMatch(/provider state: NotProvisioned/);
  expect(first.out).toMatch(/Waiting: ExpressRoute connection ra-hybrid-er-cn: circuit ra-hybrid-vpn-er-erc is NotProvisioned at the provider/);
  expect(writesTo(h, 'PUT', 'expressRouteCircuits')).toBe(1);
  // Everything but the ExpressRoute connection is in place.
  expect(await h.api.getConnection(rg, 'ra-hybrid-vpn-cn')).toMatchObject({ provisioningState: 'Succeeded' });
  expect(await h.api.getGateway(rg, 'ra-hybrid-er-vgw')).toMatchObject({ provisioningState: 'Succeeded' });
  expect(await h.api.getConnection(rg, 'ra-hybrid-er-cn')).toBeUndefined();

  const waitingVerify = await cli(['verify', '--file', file]);
  expect(waitingVerify.code).toBe(ExitCode.notReady);
  expect(waitingVerify.out).toMatch(/\[FAIL\] circuit: ra-hybrid-vpn-er-erc: NotProvisioned at the provider/);
  expect(waitingVerify.out).toMatch(/\[FAIL\] connection: connection ra-hybrid-er-cn to the circuit does not exist/);
  expect(waitingVerify.out).not.toMatch(/failover in effect/);

  // A second deploy before the provider acts changes nothing and still waits.
  h.emu.control.clearRequestLog();
  const again = await cli(['deploy', '--file', file]);
  expect(again.code).toBe(ExitCode.waiting);
  expect(h.writes()).toEqual([]);

  h.emu.control.provisionCircuit(CIRCUIT);
  h.emu.control.clearRequestLog();
  const second = await cli(['deploy', '--file', file]);
  expect(second.code).toBe(ExitCode.ok);
  expect(second.out).toMatch(/provider state: Provisioned .*Azure private peering configured/);
  expect(h.writes().map((w) => `${w.method} ${w.path.split('/').slice(-2).join('/')}`)).toEqual(['PUT connections/ra-hybrid-er-cn']);
  expect((await h.api.getConnection(rg, 'ra-hybrid-er-cn'))!.circuitId).toBe(circuitId(rg));

  const verify = await cli(['verify', '--file', file, '--json']);
  const report = lastJson(verify.out);
  expect(report.expressRoute.checks).toEqual([
    { name: 'circuit', ok: true, detail: 'ra-hybrid-vpn-er-erc: Provisioned by the provider, Azure private peering configured' },
    { name: 'gateway', ok: true, detail: 'ra-hybrid-er-vgw exists' },
    { name: 'connection', ok: true, detail: 'ra-hybrid-er-cn: Succeeded, Connected' },
  ]);

  h.emu.control.clearRequestLog();
  const third = await cli(['deploy', '--file', file, '--json']);
  expect(third.code).toBe(ExitCode.ok);
  expect(lastJson(third.out)).toMatchObject({ writes: 0, circuit: { name: CIRCUIT, serviceKey: circuit.serviceKey, serviceKeyIsSecret: false, serviceProviderProvisioningState: 'Provisioned' } });
  expect(h.writes()).toEqual([]);
});

test('--wait-for-circuit polls until the provider provisions the circuit, then connects in the same run', async () => {
  const rg = 'wait-rg';
  const file = await hubWithCircuit(rg);
  const io = captureIo(h.dir, await emulatorEnv(h));
  const run = exec(['deploy', '--file', file, '--wait-for-circuit', '30'], io);
  // The provider acts while deploy is waiting for it.
  for (let i = 0; i < 1000 && !/start +wait for the provider/.test(io.err()); i++) await new Promise((r) => setTimeout(r, 10));
  expect(io.err()).toMatch(/start +wait for the provider to provision circuit ra-hybrid-vpn-er-erc \(at most 30 s\)/);
  expect(await h.api.getConnection(rg, 'ra-hybrid-er-cn')).toBeUndefined();
  h.emu.control.provisionCircuit(circuitId(rg));
  expect(await run).toBe(ExitCode.ok);
  expect(io.err()).toMatch(/done +wait for the provider to provision circuit .*provisioned, private peering configured/);
  expect(io.out()).not.toMatch(/Waiting:/);
  expect(io.out()).toMatch(/create ExpressRoute connection ra-hybrid-er-cn/);
  expect(await h.api.getConnection(rg, 'ra-hybrid-er-cn')).toMatchObject({ provisioningState: 'Succeeded' });
});

test('--wait-for-circuit gives up after its timeout: exit 12, saying how long it waited', async () => {
  const rg = 'timeout-rg';
  const file = await hubWithCircuit(rg);
  const started = Date.now();
  const r = await cli(['deploy', '--file', file, '--wait-for-circuit', '0.3']);
  expect(r.code).toBe(ExitCode.waiting);
  expect(Date.now() - started).toBeLessThan(20_000);
  expect(r.out).toMatch(/Waiting: ExpressRoute connection ra-hybrid-er-cn: circuit ra-hybrid-vpn-er-erc is NotProvisioned at the provider \(still so after waiting 0 s\)/);
  expect(await h.api.getConnection(rg, 'ra-hybrid-er-cn')).toBeUndefined();

  expect(r.out).not.toMatch(/create ExpressRoute connection/);

  const bad = await cli(['deploy', '--file', file, '--wait-for-circuit', 'soon']);
  expect(bad.code).toBe(ExitCode.usage);
  expect(bad.err).toMatch(/--wait-for-circuit takes a number of seconds \(e\.g\. 1800\), not "soon"/);
});

test('destroy keeps a circuit its provider still provisions, and deletes it (and the group) once deprovisioned', async () => {
  const rg = 'destroy-circuit-rg';
  const file = await hubWithCircuit(rg);
  expect((await cli(['deploy', '--file', file])).code).toBe(ExitCode.waiting);
  h.emu.control.provisionCircuit(circuitId(rg));
  expect((await cli(['deploy', '--file', file])).code).toBe(ExitCode.ok);

  // A higher bandwidth is changed in place; the provider's private peering stays.
  await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace('bandwidthInMbps: 50', 'bandwidthInMbps: 200'));
  h.emu.control.clearRequestLog();
  const bigger = await cli(['deploy', '--file', file]);
  expect(bigger.code).toBe(ExitCode.ok);
  expect(bigger.err).toMatch(/start +update ExpressRoute circuit ra-hybrid-vpn-er-erc .*: bandwidthInMbps: 50 -> 200/);
  expect(h.writes().map((w) => `${w.method} ${w.path.split('/').slice(-2).join('/')}`)).toEqual(['PUT expressRouteCircuits/ra-hybrid-vpn-er-erc']);
  expect(await h.api.getCircuit(circuitId(rg))).toMatchObject({ bandwidthInMbps: 200, privatePeering: true, serviceProviderProvisioningState: 'Provisioned' });
  await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace('bandwidthInMbps: 200', 'bandwidthInMbps: 100'));
  const lower = await cli(['deploy', '--file', file]);
  expect(lower.code).toBe(ExitCode.azure);
  expect(lower.err).toMatch(/azure\.expressRoute\.circuit\.bandwidthInMbps: circuit ra-hybrid-vpn-er-erc has 200 Mbps; Azure raises a circuit's bandwidth in place but never lowers it \(fix: set bandwidthInMbps: 200/);

  const first = await cli(['destroy', '--yes', '--file', file]);
  expect(first.code).toBe(ExitCode.ok);
  expect(first.out).toMatch(/Resource group destroy-circuit-rg kept: ExpressRoute circuit ra-hybrid-vpn-er-erc is still provisioned by the connectivity provider and Azure deletes a circuit only once the provider has deprovisioned it: ask the provider to deprovision it/);
  expect(await h.api.getConnection(rg, 'ra-hybrid-er-cn')).toBeUndefined();
  expect(await h.api.getCircuit(circuitId(rg))).toBeDefined();

  h.emu.control.deprovisionCircuit(circuitId(rg));
  const second = await cli(['destroy', '--yes', '--file', file]);
  expect(second.code).toBe(ExitCode.ok);
  expect(second.out).toMatch(/- ExpressRoute circuit ra-hybrid-vpn-er-erc/);
  expect(await h.api.getResourceGroup(rg)).toBeUndefined();
});
