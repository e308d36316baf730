/**
 * Property tests: thousands of generated and mutated hub files give either a Hub or problems, never an
 * exception; nothing accepted carries a character that could inject a line into a device config.
 * TUNNELSMITH_PROPERTY_RUNS sets the case count (default 1000; the benchmark runs 10000).
 */
import fc from 'fast-check';
import { FORBIDDEN_IN_VALUES } from '../../src/hub/patterns';
import { validateHub } from '../../src/hub/validate';
import type { DeviceTable } from '../../src/hub/rules';
import { DEVICES } from '../../src/devices/registry';
import { SECURE_DEFAULT_POLICY } from '../../src/policy/catalog';
import { FAKE_DEVICES, PERMISSIVE_DEVICES, seedHub } from './fixtures';
import { apply, mutation } from './mutations';

const RUNS = Number(process.env.TUNNELSMITH_PROPERTY_RUNS ?? 1000);

/** Seeds that together use every field of the file. */
function seeds(): any[] {
  const kitchenSink = seedHub();
  kitchenSink.$schema = './schema/hub.schema.json';
  kitchenSink.azure.vpnGateway = { name: 'vgw', sku: 'VpnGw2AZ', activeActive: true, asn: 65100, apipaBgpIps: ['169.254.21.1', '169.254.22.1'], publicIpNames: ['vgw-a', 'vgw-b'] };
  kitchenSink.azure.expressRoute = {
    gatewayName: 'er-vgw', sku: 'ErGw2AZ', connectionName: 'er-cn',
    circuit: { name: 'erc', serviceProviderName: 'Equinix', peeringLocation: 'Silicon Valley', bandwidthInMbps: 50, skuTier: 'Premium', skuFamily: 'UnlimitedData' },
  };
  kitchenSink.sites.push(
    {
      name: 'plant', device: 'strongswan', publicIp: '192.0.2.10', addressSpace: ['172.16.0.0/16', '172.17.0.0/24'],
      bgp: { asn: 4200000010, peerIp: '169.254.21.2' }, ipsecPolicy: { ...SECURE_DEFAULT_POLICY, dhGroup: 'ECP384', pfsGroup: 'ECP384' },
      dpdTimeoutSeconds: 30, sharedKey: { file: 'plant.psk' },
      deviceOptions: { outsideInterface: 'eth1', tunnelInterfacePrefix: 'xfrm', ifIdBase: 200, outsideAddress: '10.0.0.5' },
    },
    {
      name: 'dc1', device: 'windows-rras', publicIp: '198.51.100.30', addressSpace: ['10.99.0.0/16'], ipsecPolicy: 'azure-default',
      sharedKey: { keyVault: { vaultName: 'kv-hub', secretName: 'dc1-psk' } }, deviceOptions: { outsideInterface: 'Ethernet 2' },
    },
    {
      name: 'fw1', device: 'fortigate', publicIp: '198.51.100.40', addressSpace: ['10.40.0.0/16'],
      deviceOptions: { outsideInterface: 'wan1', insideInterface: 'internal', outsideAddress: '192.168.1.10' },
    },
    {
      name: 'fw2', device: 'paloalto', publicIp: '198.51.100.50', addressSpace: ['10.50.0.0/16'], bgp: { asn: 4200000050, peerIp: '10.50.255.1' },
      deviceOptions: { outsideInterface: 'ethernet1/2', tunnelUnitBase: 10 },
    },
  );
  return [seedHub(), kitchenSink];
}

function collectStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) collectStrings(v, out);
  return out;
}

function checkResult(raw: unknown, devices: DeviceTable, stats: { accepted: number; rejected: number }): void {
  const result = validateHub(raw, { devices });
  const errors = result.problems.filter((p) => p.severity === 'error');
  expect(result.hub === undefined).toBe(errors.length > 0);
  for (const p of result.problems) {
    expect(p.path.length).toBeGreaterThan(0);
    expect(p.message.length).toBeGreaterThan(0);
    expect(p.fix).toBeTruthy();
    expect(`${p.path}${p.message}${p.fix ?? ''}`).not.toMatch(/[\r\n\u0000]/);
  }
  if (result.hub) {
    stats.accepted++;
    for (const s of collectStrings(result.hub)) expect(s).not.toMatch(FORBIDDEN_IN_VALUES);
  } else stats.rejected++;
}

describe.each([
  ['fake devices', FAKE_DEVICES],
  ['devices that accept any option and policy', PERMISSIVE_DEVICES],
  ['the device registry', DEVICES],
])('validateHub with %s', (_name, devices) => {
  test(`${RUNS} mutated hub files: a Hub or problems, and no injectable string accepted`, () => {
    const stats = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (seedPick, mutations) => {
        const all = seeds();
        const raw = all[seedPick % all.length];
        for (const m of mutations) apply(raw, m);
        checkResult(raw, devices, stats);
      }),
      { numRuns: RUNS },
    );
    // The property is not vacuous: both outcomes occur.
    if (process.env.TUNNELSMITH_PROPERTY_STATS) console.log(stats);
    expect(stats.accepted).toBeGreaterThan(RUNS / 50);
    expect(stats.rejected).toBeGreaterThan(RUNS / 10);
  });
});

test(`${RUNS} arbitrary values never throw`, () => {
  const stats = { accepted: 0, rejected: 0 };
  fc.assert(
    fc.property(fc.anything({ maxDepth: 4, withNullPrototype: true, withObjectString: true }), (raw) => {
      checkResult(raw, FAKE_DEVICES, stats);
    }),
    { numRuns: RUNS },
  );
  fc.assert(
    fc.property(fc.record({ azure: fc.anything({ maxDepth: 3 }), sites: fc.array(fc.anything({ maxDepth: 3 }), { maxLength: 3 }) }), (raw) => {
      checkResult(raw, FAKE_DEVICES, stats);
    }),
    { numRuns: RUNS },
  );
  expect(stats.rejected).toBe(2 * RUNS);
});
