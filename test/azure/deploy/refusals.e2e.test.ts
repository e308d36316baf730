/**
 * Azure's refusals (the emulator answers like Azure) surface as clear errors naming the hub-file field
 * and the fix. The hubs are built directly, past the validator, so Azure itself is what refuses.
 */
import { NetworkManagementClient } from '@azure/arm-network';
import type { AzureApi } from '../../../src/azure/client/api';
import { staticTokenCredential } from '../../../src/azure/client/credentials';
import { AzureError } from '../../../src/errors';
import type { Hub } from '../../../src/hub/types';
import { seedCircuit, startHarness, writesTo, type Harness } from '../../support/emulator';
import { demoHub, site, SUB, vpnOnlyHub } from '../../support/hubs';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

let n = 0;
/** A hub in a fresh resource group (one emulator for all cases). */
function fresh(make: () => Hub): Hub {
  const hub = make();
  const rg = `refusal-${++n}-rg`;
  hub.azure.resourceGroup = rg;
  if (hub.azure.expressRoute) hub.azure.expressRoute.circuitId = seedCircuit(h, `${rg}-provider`);
  return hub;
}

async function refusal(hub: Hub, extra: Parameters<Harness['deploy']>[1] = {}): Promise<AzureError> {
  const e = await h.deploy(hub, extra).then(() => undefined, (x: unknown) => x);
  if (!(e instanceof AzureError)) throw new Error(`expected an AzureError, got ${String(e)}`);
  return e;
}

const cases: Array<{ name: string; hub: () => Hub; field: string; code: RegExp; fix: RegExp }> = [
  {
    name: 'GatewaySubnet smaller than /27 with ExpressRoute',
    hub: () => {
      const x = demoHub();
      x.azure.vnet.gatewaySubnet = '10.200.255.240/28';
      return x;
    },
    field: 'azure.vnet.gatewaySubnet',
    code: /GatewaySubnetTooSmall/,
    fix: /\/27 or larger/,
  },
  {
    name: 'Basic SKU with BGP',
    hub: () => {
      const x = vpnOnlyHub();
      x.azure.vpnGateway.sku = 'Basic';
      return x;
    },
    field: 'azure.vpnGateway.sku',
    code: /Basic/,
    fix: /VpnGw1/,
  },
  {
    name: 'reserved ASN on the gateway',
    hub: () => {
      const x = vpnOnlyHub();
      x.azure.vpnGateway.asn = 65517;
      return x;
    },
    field: 'azure.vpnGateway.asn',
    code: /AsnReserved/,
    fix: /ASN that Azure does not reserve/,
  },
  {
    name: 'reserved ASN on the site',
    hub: () => vpnOnlyHub([site({ bgp: { asn: 65515, peerIp: '192.168.255.1' } })]),
    field: 'sites[0].bgp.asn',
    code: /AsnReserved/,
    fix: /ASN that Azure does not reserve/,
  },
  {
    name: 'GCM IPsec encryption with another integrity',
    hub: () => vpnOnlyHub([site({ ipsecPolicy: { ikeEncryption: 'AES256', ikeIntegrity: 'SHA256', dhGroup: 'DHGroup14', ipsecEncryption: 'GCMAES256', ipsecIntegrity: 'SHA256', pfsGroup: 'PFS2048', saLifeTimeSeconds: 27000, saDataSizeKilobytes: 102400000 } })]),
    field: 'sites[0].ipsecPolicy',
    code: /Ipsec/,
    fix: /same GCM ipsecIntegrity/,
  },
  {
    name: 'DPD timeout out of range',
    hub: () => vpnOnlyHub([site({ dpdTimeoutSeconds: 5 })]),
    field: 'sites[0].dpdTimeoutSeconds',
    code: /Dpd/,
    fix: /9\.\.3600/,
  },
  {
    name: 'custom BGP address outside the APIPA range',
    hub: () => {
      const x = vpnOnlyHub();
      x.azure.vpnGateway.apipaBgpIps = ['169.254.30.1'];
      return x;
    },
    field: 'azure.vpnGateway.apipaBgpIps',
    code: /CustomBgp/,
    fix: /169\.254\.21\.0-169\.254\.22\.255/,
  },
];

describe.each(cases)('$name', ({ hub, field, code, fix }) => {
  test(`is an error naming ${field}`, async () => {
    const e = await refusal(fresh(hub));
    expect(e.details.field).toBe(field);
    expect(e.details.azureCode).toMatch(code);
    expect(e.message.startsWith(`${field}: `)).toBe(true);
    expect(e.hint).toMatch(fix);
    expect(e.exitCode).toBe(4);
  });
});

test.each([
  ['a character Azure refuses', 'bad~key~value'],
  ['more than 128 characters', 'K'.repeat(129)],
])('a shared key with %s behind the reference names sites[0].sharedKey and never shows the key', async (_what, bad) => {
  const hub = fresh(() => vpnOnlyHub([site({ sharedKey: { env: 'HQ_PSK' } })]));
  const e = await refusal(hub, { resolveSecret: async () => bad });
  expect(e.details.field).toBe('sites[0].sharedKey');
  expect(e.details.azureCode).toMatch(/SharedKey/);
  expect(e.hint).toMatch(/1\.\.128 printable ASCII/);
  expect(`${e.message} ${e.hint} ${JSON.stringify(e.details)} ${JSON.stringify(h.events)}`).not.toContain(bad);
});

test('state Azure cannot change in place is refused before any write, naming the field and the remedy', async () => {
  const hub = fresh(() => vpnOnlyHub());
  await h.deploy(hub);
  h.emu.control.clearRequestLog();
  const smaller = structuredClone(hub);
  smaller.azure.vnet.gatewaySubnet = '10.200.255.192/26';
  const e = await refusal(smaller);
  expect(e.code).toBe('AzureStateConflict');
  expect(e.details.field).toBe('azure.vnet.gatewaySubnet');
  expect(e.message).toMatch(/GatewaySubnet of VNet ra-hybrid-vpn-er-vnet is 10\.200\.255\.224\/27 in Azure and gateways use it/);
  expect(e.message).toMatch(/1\. delete connection ra-hybrid-vpn-cn .*2\. delete gateway ra-hybrid-vpn-vgw/);
  expect(h.writes()).toEqual([]);
});

test('409 AnotherOperationInProgress is waited out, then the write succeeds', async () => {
  const hub = fresh(() => demoHub());
  await h.deploy(hub);
  const rg = hub.azure.resourceGroup;
  // Someone else starts an update of the ExpressRoute gateway right before our VPN gateway update.
  const client = new NetworkManagementClient(staticTokenCredential(h.emu.token), SUB, { endpoint: h.emu.endpoint, credentialScopes: ['https://management.azure.com/.default'], tlsOptions: { ca: h.emu.caPem } });
  let interfered = false;
  const api: AzureApi = Object.create(h.api);
  api.putGateway = async (group, gw, o) => {
    if (!interfered && gw.gatewayType === 'Vpn') {
      interfered = true;
      const current = await client.virtualNetworkGateways.get(rg, 'ra-hybrid-er-vgw');
      await client.virtualNetworkGateways.beginCreateOrUpdate(rg, 'ra-hybrid-er-vgw', current);
    }
    return h.api.putGateway(group, gw, o);
  };
  const bigger = structuredClone(hub);
  bigger.azure.vpnGateway.sku = 'VpnGw2AZ';
  h.emu.control.clearRequestLog();
  const seen = h.events.length;
  const report = await h.deploy(bigger, { api });
  expect(h.writes().filter((w) => w.status === 409 && /ra-hybrid-vpn-vgw$/.test(w.path))).toHaveLength(1);
  expect(h.events.slice(seen)).toContainEqual(expect.objectContaining({ type: 'state', id: 'vpnGateway:ra-hybrid-vpn-vgw', state: 'waiting: another operation is in progress' }));
  expect(report.writes).toBe(1);
  expect(writesTo(h, 'PUT', 'virtualNetworkGateways')).toBe(3);
  expect((await h.api.getGateway(rg, 'ra-hybrid-vpn-vgw'))!.sku).toBe('VpnGw2AZ');
});
