/**
 * Progress names an operation in words, never by an internal id: the Azure layer puts its start's
 * `what` (or, for a step that never started, the plan step in words) on every event of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventStamper, type ApplyEvent } from '../../src/azure/deploy/events';
import { planAzure } from '../../src/azure/deploy/plan';
import { planStepName } from '../../src/azure/deploy/run';
import { createProgressReporter } from '../../src/cli/progress';
import { captureIo } from '../support/cli';
import { demoHub, SUB } from '../support/hubs';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ts-progress-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('progress never shows an internal id', () => {
  test('every step of a plan has a name in words, the circuit included', () => {
    const plan = planAzure(demoHub(), SUB);
    for (const r of plan.resources) expect(planStepName(plan, r.key)).not.toContain(':');
    expect(planStepName(plan, 'erConnection:ra-hybrid-er-cn')).toBe('ExpressRoute connection ra-hybrid-er-cn');
    expect(planStepName(plan, 'vpnGateway:ra-hybrid-vpn-vgw')).toBe('VPN gateway ra-hybrid-vpn-vgw');
    const withCircuit = { ...plan, circuit: { key: 'circuit:erc', name: 'erc' } } as unknown as typeof plan;
    expect(planStepName(withCircuit, 'circuit:erc')).toBe('ExpressRoute circuit erc');
  });

  test('a state or an end carries its start\'s words; one that never started, the plan step\'s', () => {
    const seen: ApplyEvent[] = [];
    const stamp = eventStamper((e) => seen.push(e), () => 7, (id) => `step ${id}`);
    stamp({ type: 'start', id: 'a', what: 'create VPN gateway vgw', kind: 'create' });
    stamp({ type: 'state', id: 'a', state: 'Updating' });
    stamp({ type: 'end', id: 'a', outcome: 'done' });
    stamp({ type: 'end', id: 'b', outcome: 'skipped' });
    expect(seen.map((e) => ('what' in e ? e.what : undefined))).toEqual(['create VPN gateway vgw', 'create VPN gateway vgw', 'create VPN gateway vgw', 'step b']);
    expect(seen.every((e) => e.at === 7)).toBe(true);
  });

  test('an operation that ends without having started (skipped, waiting) is named in words, in lines and in JSON', () => {
    const what = 'ExpressRoute connection ra-er-cn';
    const lines = captureIo(dir, {});
    const reporter = createProgressReporter(lines, { json: false, live: false });
    reporter.onEvent({ type: 'end', id: 'erConnection:ra-er-cn', what, outcome: 'skipped', detail: 'waiting: circuit erc is NotProvisioned', at: Date.UTC(2026, 0, 1) });
    reporter.onEvent({ type: 'state', id: 'vpnGateway:vgw', what: 'VPN gateway vgw', state: 'Updating', at: Date.UTC(2026, 0, 1) });
    reporter.close();
    expect(lines.err()).toBe('[2026-01-01T00:00:00Z] skipped  ExpressRoute connection ra-er-cn: waiting: circuit erc is NotProvisioned\n[2026-01-01T00:00:00Z] state    VPN gateway vgw: Updating\n');

    const live = captureIo(dir, {});
    const liveReporter = createProgressReporter(live, { json: false, live: true, refreshMs: 60_000 });
    liveReporter.onEvent({ type: 'end', id: 'erConnection:ra-er-cn', what, outcome: 'skipped', detail: 'waiting', at: 0 });
    liveReporter.close();
    expect(live.err()).toContain('ExpressRoute connection ra-er-cn (skipped: waiting)');
    expect(live.err()).not.toContain('erConnection:');

    const json = captureIo(dir, {});
    const jsonReporter = createProgressReporter(json, { json: true });
    jsonReporter.onEvent({ type: 'end', id: 'erConnection:ra-er-cn', what, outcome: 'skipped', at: 0 });
    expect(JSON.parse(json.out())).toMatchObject({ event: 'progress', type: 'end', id: 'erConnection:ra-er-cn', what: 'ExpressRoute connection ra-er-cn' });
  });
});
