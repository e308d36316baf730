/** Progress names an operation by its resource kind (src/azure/resources labels), never by an internal id. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createProgressReporter, labelOf } from '../../src/cli/progress';
import { captureIo } from '../support/cli';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ts-progress-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('progress never shows an internal id', () => {
  test('every kind of id the Azure layer emits has a label', () => {
    expect(labelOf('erConnection:ra-er-cn')).toBe('ExpressRoute connection ra-er-cn');
    expect(labelOf('ipsecConnection:cn-hq')).toBe('connection cn-hq');
    expect(labelOf('vpnGateway:vgw')).toBe('VPN gateway vgw');
    expect(labelOf('publicIp:vgw-pip1')).toBe('public IP vgw-pip1');
    expect(labelOf('circuit:erc')).toBe('ExpressRoute circuit erc');
    expect(labelOf('virtualNetworkGateways:vgw')).toBe('gateway vgw');
    expect(labelOf('recreate:connections:cn-hq')).toBe('connection cn-hq (GatewaySubnet recreate)');
  });

  test('an operation that ends without having started (skipped, waiting) is named in words, in lines and in JSON', () => {
    const lines = captureIo(dir, {});
    const reporter = createProgressReporter(lines, { json: false, live: false });
    reporter.onEvent({ type: 'end', id: 'erConnection:ra-er-cn', outcome: 'skipped', detail: 'waiting: circuit erc is NotProvisioned', at: Date.UTC(2026, 0, 1) });
    reporter.onEvent({ type: 'state', id: 'vpnGateway:vgw', state: 'Updating', at: Date.UTC(2026, 0, 1) });
    reporter.close();
    expect(lines.err()).toBe('[2026-01-01T00:00:00Z] skipped  ExpressRoute connection ra-er-cn: waiting: circuit erc is NotProvisioned\n[2026-01-01T00:00:00Z] state    VPN gateway vgw: Updating\n');

    const live = captureIo(dir, {});
    const liveReporter = createProgressReporter(live, { json: false, live: true, refreshMs: 60_000 });
    liveReporter.onEvent({ type: 'end', id: 'erConnection:ra-er-cn', outcome: 'skipped', detail: 'waiting', at: 0 });
    liveReporter.close();
    expect(live.err()).toContain('ExpressRoute connection ra-er-cn (skipped: waiting)');
    expect(live.err()).not.toContain('erConnection:');

    const json = captureIo(dir, {});
    const jsonReporter = createProgressReporter(json, { json: true });
    jsonReporter.onEvent({ type: 'end', id: 'erConnection:ra-er-cn', outcome: 'skipped', at: 0 });
    expect(JSON.parse(json.out())).toMatchObject({ event: 'progress', type: 'end', id: 'erConnection:ra-er-cn', what: 'ExpressRoute connection ra-er-cn' });
  });
});
