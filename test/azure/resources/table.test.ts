/** The table of Azure resource kinds: complete, consistent with the plan's edges, and dispatching to the right call. */
import type { AzureApi } from '../../../src/azure/client/api';
import { planAzure } from '../../../src/azure/deploy/plan';
import { expressRouteCircuit } from '../../../src/azure/resources/circuit';
import type { PlannedResource, ResourceKind } from '../../../src/azure/resources/contract';
import { ARM_TYPES, armType, describeResource, readResource, RESOURCE_KINDS, writeResource } from '../../../src/azure/resources/table';
import { demoHub, SUB } from '../../support/hubs';

const hub = demoHub();
hub.azure.expressRoute!.circuit = { name: 'erc', serviceProviderName: 'Equinix', peeringLocation: 'Silicon Valley', bandwidthInMbps: 50, skuTier: 'Standard', skuFamily: 'MeteredData' };
delete hub.azure.expressRoute!.circuitId;
const plan = planAzure(hub, SUB);

test('every kind the plan uses has one entry, under its own name', () => {
  const used = [...new Set(plan.resources.map((r) => r.kind))].sort();
  expect(Object.keys(RESOURCE_KINDS).sort()).toEqual(used);
  for (const [k, spec] of Object.entries(RESOURCE_KINDS)) expect(spec.kind).toBe(k);
});

test('labels name each kind as messages and progress always have', () => {
  const label = (kind: ResourceKind) => describeResource({ kind, name: 'x' });
  expect((Object.keys(RESOURCE_KINDS) as ResourceKind[]).map(label)).toEqual([
    'resource group x',
    'virtual network x',
    'local network gateway x',
    'public IP x',
    'ExpressRoute gateway x',
    'VPN gateway x',
    'connection x',
    'ExpressRoute connection x',
  ]);
});

test('ARM types: each kind but the resource group has one, listed once, in the order destroy lists them', () => {
  expect(ARM_TYPES.map((t) => `${t.destroyStage} ${t.type} (${t.label})`)).toEqual([
    '0 connections (connection)',
    '1 virtualNetworkGateways (gateway)',
    '2 localNetworkGateways (local network gateway)',
    '2 publicIPAddresses (public IP)',
    '2 expressRouteCircuits (ExpressRoute circuit)',
    '3 virtualNetworks (virtual network)',
  ]);
  for (const spec of Object.values(RESOURCE_KINDS)) {
    if (spec.kind === 'resourceGroup') expect(spec.arm).toBeUndefined();
    else expect(ARM_TYPES).toContain(spec.arm);
  }
  expect(armType('expressRouteCircuits')).toBe(expressRouteCircuit.arm);
});

test('destroy stages follow the plan: a resource is deleted in an earlier stage than anything it depends on', () => {
  const byKey = new Map(plan.resources.map((r) => [r.key, r]));
  const pairs: string[] = [];
  for (const r of plan.resources) {
    for (const d of r.dependsOn) {
      const dep = byKey.get(d)!;
      const [from, to] = [RESOURCE_KINDS[r.kind].arm, RESOURCE_KINDS[dep.kind].arm];
      if (!from || !to) continue;
      pairs.push(`${r.kind} -> ${dep.kind}`);
      expect(from.destroyStage).toBeLessThan(to.destroyStage);
    }
  }
  expect(new Set(pairs)).toEqual(new Set([
    'erGateway -> virtualNetwork',
    'erGateway -> publicIp',
    'vpnGateway -> virtualNetwork',
    'vpnGateway -> publicIp',
    'ipsecConnection -> vpnGateway',
    'ipsecConnection -> localNetworkGateway',
    'erConnection -> erGateway',
  ]));
});

test('read and write go to the call of each kind, with the body, the group and the secrets', async () => {
  const calls: string[] = [];
  const api = new Proxy({}, {
    get: (_t, method: string) => async (...args: unknown[]) => {
      calls.push(`${method}(${args.slice(0, -1).map((a) => (typeof a === 'string' ? a : a && typeof a === 'object' && 'name' in a ? `<${(a as { name: string }).name}>` : JSON.stringify(a))).join(', ')})`);
      return undefined;
    },
  }) as AzureApi;
  const one = (kind: ResourceKind) => plan.resources.find((r) => r.kind === kind) as PlannedResource;
  for (const kind of Object.keys(RESOURCE_KINDS) as ResourceKind[]) {
    await readResource(api, 'rg', one(kind));
    await writeResource(api, 'rg', one(kind), { sharedKey: 'k' });
  }
  expect(calls).toEqual([
    'getResourceGroup(ra-hybrid-vpn-er-rg)',
    'putResourceGroup(<ra-hybrid-vpn-er-rg>)',
    'getVnet(rg, ra-hybrid-vpn-er-vnet)',
    'putVnet(rg, <ra-hybrid-vpn-er-vnet>)',
    'getLocalNetworkGateway(rg, ra-hybrid-vpn-lgw)',
    'putLocalNetworkGateway(rg, <ra-hybrid-vpn-lgw>)',
    'getPublicIp(rg, ra-hybrid-er-vgw-pip1)',
    'putPublicIp(rg, <ra-hybrid-er-vgw-pip1>)',
    'getGateway(rg, ra-hybrid-er-vgw)',
    'putGateway(rg, <ra-hybrid-er-vgw>)',
    'getGateway(rg, ra-hybrid-vpn-vgw)',
    'putGateway(rg, <ra-hybrid-vpn-vgw>)',
    'getConnection(rg, ra-hybrid-vpn-cn)',
    'putConnection(rg, <ra-hybrid-vpn-cn>, {"sharedKey":"k"})',
    'getConnection(rg, ra-hybrid-er-cn)',
    'putConnection(rg, <ra-hybrid-er-cn>, {"sharedKey":"k"})',
  ]);
});
