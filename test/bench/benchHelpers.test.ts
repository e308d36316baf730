/**
 * The benchmarks' own logic (bench/): the critical-path lower bound, the verdicts, the request-log
 * readings and the seeded hub generator, so `npm run bench` keeps measuring what it claims.
 */
import { planAzure } from '../../src/azure/deploy/plan';
import type { RequestLogEntry } from '../../src/emulator';
import { validateHub } from '../../src/hub/validate';
import { DEVICES } from '../../src/devices/registry';
import { planRender } from '../../src/render/plan';
import { criticalPath } from '../../bench/criticalPath';
import { factsForHub, generateHub } from '../../bench/generateHub';
import { earlyRetries, pollGapsMs } from '../../bench/logAnalysis';
import { formatTable, judge } from '../../bench/report';
import { demoHub, SUB, vpnOnlyHub } from '../support/hubs';

const D = { gatewayMs: 20_000, connectionMs: 2_000, setSharedKeyMs: 2_000, defaultMs: 2_000 };

describe('criticalPath', () => {
  it('the two gateways at once: the VNet, one gateway, a connection', () => {
    const cp = criticalPath(planAzure(demoHub(), SUB), D);
    expect(cp.lowerBoundMs).toBe(2_000 + 20_000 + 2_000);
    expect(cp.path.slice(0, 2)).toEqual(['resourceGroup:ra-hybrid-vpn-er-rg', 'virtualNetwork:ra-hybrid-vpn-er-vnet']);
  });

  it('the gateways one after the other (today\'s sequential bound): the VPN gateway after the ExpressRoute one', () => {
    const cp = criticalPath(planAzure(demoHub(), SUB), D, { gatewaysInSequence: true });
    expect(cp.lowerBoundMs).toBe(2_000 + 20_000 + 20_000 + 2_000);
    expect(cp.path).toEqual(['resourceGroup:ra-hybrid-vpn-er-rg', 'virtualNetwork:ra-hybrid-vpn-er-vnet', 'erGateway:ra-hybrid-er-vgw', 'vpnGateway:ra-hybrid-vpn-vgw', 'ipsecConnection:ra-hybrid-vpn-cn']);
  });

  it('a gateway\'s connections one after the other', () => {
    const hub = vpnOnlyHub();
    hub.sites = [0, 1, 2].map((i) => ({ ...hub.sites[0], name: `s${i}`, publicIp: `40.50.60.${80 + i}`, addressSpace: [`172.${16 + i}.0.0/16`], localNetworkGatewayName: `lng-s${i}`, connectionName: `cn-s${i}` }));
    const cp = criticalPath(planAzure(hub, SUB), D);
    expect(cp.lowerBoundMs).toBe(2_000 + 20_000 + 3 * 2_000);
  });

  it('without ExpressRoute: one gateway, and the durations it is given', () => {
    const cp = criticalPath(planAzure(vpnOnlyHub(), SUB), { ...D, gatewayMs: 5_000, connectionMs: 700 });
    expect(cp.lowerBoundMs).toBe(2_000 + 5_000 + 700);
    expect(cp.path[cp.path.length - 1]).toBe('ipsecConnection:ra-hybrid-vpn-cn');
  });
});

describe('judge and the table', () => {
  it('ratios: value/target for a maximum, target/value for a minimum; equality is exact', () => {
    expect(judge({ benchmark: 'b', name: 'n', value: 1.5, unit: 's', target: 2, kind: 'max' })).toMatchObject({ ratio: 0.75, pass: true });
    expect(judge({ benchmark: 'b', name: 'n', value: 3, unit: 's', target: 2, kind: 'max' })).toMatchObject({ ratio: 1.5, pass: false });
    expect(judge({ benchmark: 'b', name: 'n', value: 0.5, unit: 's', target: 1, kind: 'min' })).toMatchObject({ ratio: 2, pass: false });
    expect(judge({ benchmark: 'b', name: 'n', value: 1, unit: '', target: 0, kind: 'equal' })).toMatchObject({ pass: false });
    expect(judge({ benchmark: 'b', name: 'n', value: 7, unit: '' })).not.toHaveProperty('pass');
  });

  it('prints each figure with its target, ratio and verdict', () => {
    const table = formatTable([judge({ benchmark: 'render', name: 'wall', value: 3, unit: 's', target: 2, kind: 'max' })]);
    expect(table.split('\n')[2]).toMatch(/^render\s+wall\s+3 s\s+<= 2 s\s+1\.50\s+NO$/);
  });
});

function entry(time: number, method: string, path: string, status = 200): RequestLogEntry {
  return { time: new Date(time).toISOString(), service: 'arm', method, path, status, durationMs: 1 };
}

describe('request log readings', () => {
  const op = (id: string) => `/subscriptions/s/providers/Microsoft.Network/locations/x/operations/${id}`;

  it('poll gaps: the first gap of each operation apart from the steady interval', () => {
    const gaps = pollGapsMs([entry(0, 'GET', op('a')), entry(2, 'GET', op('a')), entry(1_002, 'GET', op('a')), entry(5, 'GET', op('b')), entry(1_010, 'GET', op('b')), entry(9, 'GET', '/other')]);
    expect(gaps).toEqual({ first: [2, 1_005], steady: [1_000] });
  });

  it('a request repeated before the Retry-After of its 429 is found; one repeated after it is not', () => {
    expect(earlyRetries([entry(0, 'GET', '/x', 429), entry(500, 'GET', '/x')], () => 1_000)).toEqual([
      { method: 'GET', path: '/x', throttledAt: new Date(0).toISOString(), retriedAt: new Date(500).toISOString(), earlyByMs: 500 },
    ]);
    // Other paths in between do not count; 1 ms of tolerance for the millisecond timestamps.
    const log = [entry(0, 'GET', '/x', 429), entry(400, 'GET', '/y'), entry(999, 'GET', '/x'), entry(2_000, 'PUT', '/z', 429), entry(3_000, 'PUT', '/z', 201)];
    expect(earlyRetries(log, () => 1_000)).toEqual([]);
    expect(earlyRetries(log, () => 2_000)).toMatchObject([{ path: '/x', earlyByMs: 1_001 }, { path: '/z', earlyByMs: 1_000 }]);
  });
});

describe('generateHub', () => {
  it('is deterministic in its seed', () => {
    expect(generateHub({ sites: 30, seed: 5 })).toEqual(generateHub({ sites: 30, seed: 5 }));
    expect(generateHub({ sites: 30, seed: 5 })).not.toEqual(generateHub({ sites: 30, seed: 6 }));
  });

  it('gives a valid 100-site hub with every device, both policies and BGP, and facts every site renders from', () => {
    const { file, keys } = generateHub({ sites: 100, seed: 20240601 });
    const checked = validateHub(file, { devices: DEVICES });
    expect(checked.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const hub = checked.hub!;
    expect(new Set(hub.sites.map((s) => s.device))).toEqual(new Set(['cisco-ios', 'juniper-srx', 'strongswan', 'windows-rras', 'fortigate', 'paloalto']));
    expect(hub.azure.vpnGateway.activeActive).toBe(true);
    expect(hub.sites.every((s) => s.bgp !== undefined)).toBe(true);
    expect(new Set(hub.sites.map((s) => (s.ipsecPolicy === 'azure-default' ? 'default' : s.ipsecPolicy.ikeIntegrity))).size).toBe(2);
    const facts = factsForHub(hub, keys);
    const plan = planRender({ hub, facts, device: 'own', keys, redact: false }, DEVICES);
    expect(plan.ok).toBe(true);
    if (plan.ok) expect(plan.sites).toHaveLength(100);
  });
});
