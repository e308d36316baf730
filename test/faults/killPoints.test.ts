/** Kill points over a reference run: anchored on requests, spread over the candidates, halfway delays. */
import type { RequestLogEntry } from '../../src/emulator';
import type { SeenRequest } from '../support/cli';
import { describeKillPoint, isArmWrite, killPointsOver } from './helpers';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/** A request answered `at` ms after T0 (it took 2 ms). */
function req(method: string, path: string, at: number): SeenRequest {
  return { time: new Date(T0 + at - 2).toISOString(), service: 'arm', method, path, status: 200, durationMs: 2, seenMs: at };
}

const RUN: SeenRequest[] = [
  req('GET', '/x/providers/Microsoft.Network/virtualNetworks/v', 0),
  req('PUT', '/x/providers/Microsoft.Network/virtualNetworks/v', 10),
  req('GET', '/x/providers/Microsoft.Network/locations/l/operations/1', 20),
  req('PUT', '/x/providers/Microsoft.Network/virtualNetworkGateways/g', 110),
  req('GET', '/x/providers/Microsoft.Network/locations/l/operations/2', 200),
  req('PUT', '/x/providers/Microsoft.Network/connections/c', 410),
  req('GET', '/x/providers/Microsoft.Network/connections/c', 500),
];
const points = (count: number) => killPointsOver(RUN, isArmWrite, count).map((p) => [p.nth, p.delayMs]);

test('the candidates are right after each anchor and halfway to the next; the last anchor has no halfway point', () => {
  expect(points(5)).toEqual([
    [1, 0],
    [1, 50],
    [2, 0],
    [2, 150],
    [3, 0],
  ]);
});

test('fewer points are spread over the candidates, first and last included', () => {
  expect(points(3)).toEqual([
    [1, 0],
    [2, 0],
    [3, 0],
  ]);
  expect(points(2)).toEqual([
    [1, 0],
    [3, 0],
  ]);
});

test('more points than candidates is an error, not repeated points', () => {
  expect(() => points(6)).toThrow('6 kill points need at least 6 candidates; the reference run has 5');
});

test('only the matching requests are anchors', () => {
  const connectionsOnly = (e: RequestLogEntry) => isArmWrite(e) && e.path.includes('/connections/');
  expect(killPointsOver([...RUN, req('PUT', '/x/providers/Microsoft.Network/connections/d', 600)], connectionsOnly, 3).map((p) => [p.nth, p.delayMs])).toEqual([
    [1, 0],
    [1, 95],
    [2, 0],
  ]);
});

test('a point is described by its anchor request', () => {
  expect(describeKillPoint(RUN, killPointsOver(RUN, isArmWrite, 5)[3])).toBe('after PUT virtualNetworkGateways/g (#2) +150 ms');
});
