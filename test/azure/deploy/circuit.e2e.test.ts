/** The ExpressRoute connection waits for the provider: a missing circuit fails early, an unprovisioned one waits (exit 12). */
import { NetworkManagementClient } from '@azure/arm-network';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { staticTokenCredential } from '../../../src/azure/client/credentials';
import { EMBEDDED_DEMO_HUB } from '../../../src/cli/commands/demo';
import { exec } from '../../../src/cli/exec';
import { ExitCode } from '../../../src/errors';
import { captureIo } from '../../support/cli';
import { circuitId, startHarness, writesTo, type Harness } from '../../support/emulator';
import { demoHub, SUB } from '../../support/hubs';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

test('a circuit id that names nothing fails before anything is written', async () => {
  const hub = demoHub({ rg: 'nocircuit-rg' });
  h.emu.control.clearRequestLog();
  const e = await h.deploy(hub).then(() => undefined, (x: unknown) => x);
  expect(e).toMatchObject({ code: 'CircuitNotFound', details: { field: 'azure.expressRoute.circuitId' } });
  expect(h.writes()).toEqual([]);
});

test('a circuit the provider has not provisioned: the rest is deployed, deploy exits 12, and connects once provisioned', async () => {
  const rg = 'pending-rg';
  const client = new NetworkManagementClient(staticTokenCredential(h.emu.token), SUB, { endpoint: h.emu.endpoint, credentialScopes: ['https://management.azure.com/.default'], tlsOptions: { ca: h.emu.caPem } });
  await h.api.putResourceGroup({ name: 'provider-pending-rg', location: 'centralus', tags: {} });
  await client.expressRouteCircuits.beginCreateOrUpdateAndWait('provider-pending-rg', 'erc', {
    location: 'centralus',
    sku: { name: 'Premium_UnlimitedData', tier: 'Premium', family: 'UnlimitedData' },
    serviceProviderProperties: { serviceProviderName: 'Equinix', peeringLocation: 'Silicon Valley', bandwidthInMbps: 50 },
  }, { updateIntervalInMs: 10 });
  const hubFile = path.join(h.dir, 'pending.yaml');
  await fs.writeFile(hubFile, EMBEDDED_DEMO_HUB.replace(/resourceGroup: ra-hybrid-vpn-er-rg/, `resourceGroup: ${rg}`).replace(/circuitId: .*/, `circuitId: ${circuitId('provider-pending-rg', 'erc')}`));
  const caFile = path.join(h.dir, 'ca.pem');
  await fs.writeFile(caFile, h.emu.caPem);
  const env = { TUNNELSMITH_ARM_ENDPOINT: h.emu.endpoint, TUNNELSMITH_ARM_TOKEN: h.emu.token, TUNNELSMITH_CA_FILE: caFile, TUNNELSMITH_POLL_INTERVAL_MS: '10' };

  const first = captureIo(h.dir, env);
  expect(await exec(['deploy', '--file', hubFile], first)).toBe(ExitCode.waiting);
  expect(first.out()).toMatch(/Waiting: ExpressRoute connection ra-hybrid-er-cn: circuit erc is NotProvisioned at the provider/);
  expect(await h.api.getConnection(rg, 'ra-hybrid-vpn-cn')).toMatchObject({ provisioningState: 'Succeeded' });
  expect(await h.api.getConnection(rg, 'ra-hybrid-er-cn')).toBeUndefined();

  h.emu.control.provisionCircuit('erc');
  h.emu.control.clearRequestLog();
  const second = captureIo(h.dir, env);
  expect(await exec(['deploy', '--file', hubFile], second)).toBe(ExitCode.ok);
  expect(writesTo(h, 'PUT', 'connections')).toBe(1);
  expect((await h.api.getConnection(rg, 'ra-hybrid-er-cn'))!.circuitId).toBe(circuitId('provider-pending-rg', 'erc'));
});
