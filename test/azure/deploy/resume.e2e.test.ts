/** An interrupted deploy is resumed by running it again: Updating resources are waited for, not re-PUT. */
import { readKeyJournal } from '../../../src/io/keyJournal';
import type { Hub } from '../../../src/hub/types';
import { seedCircuit, startHarness, writesTo, type Harness } from '../../support/emulator';
import { answeredAt } from '../../support/cli';
import { demoHub } from '../../support/hubs';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ durations: { gatewayMs: 500, connectionMs: 250 } });
});
afterEach(async () => {
  await h.close();
});

function hubFor(rg: string): Hub {
  const hub = demoHub({ rg });
  hub.azure.expressRoute!.circuitId = seedCircuit(h, `${rg}-provider`);
  return hub;
}

/**
 * Runs a deploy and aborts it `afterMs` after the emulator answered the PUT of `type/name`: a point in
 * the deploy's progress, which a loaded machine does not move (time from the operation's start event
 * could pass before the PUT was even sent).
 */
async function deployAbortingAfterPut(hub: Hub, type: string, name: string, afterMs: number): Promise<unknown> {
  const controller = new AbortController();
  const target = new RegExp(`/${type}/${name}$`, 'i');
  let timer: NodeJS.Timeout | undefined;
  const watch = setInterval(() => {
    const put = h.emu.control.requestLog().find((e) => e.service === 'arm' && e.method === 'PUT' && e.status >= 200 && e.status < 300 && target.test(e.path));
    if (!put) return;
    clearInterval(watch);
    timer = setTimeout(() => controller.abort(), Math.max(0, answeredAt(put) + afterMs - Date.now()));
  }, 1);
  try {
    return await h.deploy(hub, { signal: controller.signal }).then(
      () => new Error('the deploy was not interrupted'),
      (e: unknown) => e,
    );
  } finally {
    clearInterval(watch);
    if (timer) clearTimeout(timer);
  }
}

test('killed in the middle of the VPN gateway creation: the next run waits for it and writes only what is left', async () => {
  // The gateway must still be Updating when the next run reads it, after this run's abort and that
  // run's reads of a dozen resources: seconds of margin, as a loaded machine can need.
  h.emu.control.setDurations({ gatewayMs: 2_000 });
  const hub = hubFor('resume-gw-rg');
  const stopped = await deployAbortingAfterPut(hub, 'virtualNetworkGateways', 'ra-hybrid-vpn-vgw', 100);
  expect(stopped).toMatchObject({ name: 'AbortError' });
  expect((await h.api.getGateway('resume-gw-rg', 'ra-hybrid-vpn-vgw'))!.provisioningState).toBe('Updating');
  expect(await h.api.getConnection('resume-gw-rg', 'ra-hybrid-vpn-cn')).toBeUndefined();

  h.emu.control.clearRequestLog();
  const seen = h.events.length;
  const report = await h.deploy(hub);
  expect(report.changes.find((c) => c.resource.key === 'vpnGateway:ra-hybrid-vpn-vgw')!.action).toBe('wait');
  expect(writesTo(h, 'PUT', 'virtualNetworkGateways')).toBe(0);
  expect(writesTo(h, 'PUT', 'connections')).toBeGreaterThanOrEqual(1);
  const resumed = h.events.slice(seen);
  expect(resumed).toContainEqual(expect.objectContaining({ type: 'start', id: 'vpnGateway:ra-hybrid-vpn-vgw', kind: 'wait' }));
  expect(resumed).toContainEqual(expect.objectContaining({ type: 'end', id: 'vpnGateway:ra-hybrid-vpn-vgw', outcome: 'unchanged' }));
  expect((await h.api.getConnection('resume-gw-rg', 'ra-hybrid-vpn-cn'))!.provisioningState).toBe('Succeeded');

  h.emu.control.clearRequestLog();
  await h.deploy(hub);
  expect(h.writes()).toEqual([]);
});

test('killed while the connection is created: the journaled key is the one Azure holds, and the next run confirms it', async () => {
  const hub = hubFor('resume-cn-rg');
  const hubId = 'resume-cn-rg/ra-hybrid-vpn-er-vnet';
  const stopped = await deployAbortingAfterPut(hub, 'connections', 'ra-hybrid-vpn-cn', 0);
  expect(stopped).toMatchObject({ name: 'AbortError' });
  const pending = (await readKeyJournal(h.journalDir, hubId, 'ra-hybrid-vpn-cn'))!;
  expect(pending.current).toMatchObject({ origin: 'generated', state: 'pending' });
  expect(await h.api.getSharedKey('resume-cn-rg', 'ra-hybrid-vpn-cn')).toBe(pending.current.key);

  h.emu.control.clearRequestLog();
  await h.deploy(hub);
  expect(h.writes()).toEqual([]);
  const active = (await readKeyJournal(h.journalDir, hubId, 'ra-hybrid-vpn-cn'))!;
  expect(active.current).toMatchObject({ key: pending.current.key, state: 'active' });
});
