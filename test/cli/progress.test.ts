import { PassThrough } from 'node:stream';
import { createProgressReporter, formatElapsed } from '../../src/cli/progress';
import type { ApplyEvent } from '../../src/azure/deploy/events';
import type { CliIO } from '../../src/cli/command';
import { jsonLines } from '../support/cli';

function io(tty: boolean) {
  let out = '';
  let err = '';
  const stdout = new PassThrough();
  const stderr = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  stderr.isTTY = tty;
  stderr.columns = 100;
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const cli: CliIO = { stdout, stderr, env: {}, cwd: '/' };
  return { cli, out: () => out, err: () => err };
}

const T0 = Date.UTC(2025, 0, 2, 3, 4, 5);
const events: ApplyEvent[] = [
  { type: 'start', id: 'gw', what: 'create VPN gateway vgw', kind: 'create', at: T0 },
  { type: 'state', id: 'gw', what: 'create VPN gateway vgw', state: 'waiting: another operation is in progress', at: T0 + 61_000 },
  { type: 'end', id: 'gw', what: 'create VPN gateway vgw', outcome: 'done', at: T0 + 2_705_000 },
  { type: 'note', level: 'warning', message: 'sites[0].sharedKey: differs', at: T0 + 2_705_001 },
];

describe('progress', () => {
  test('elapsed as m:ss and h:mm:ss', () => {
    expect([formatElapsed(0), formatElapsed(61_500), formatElapsed(2_705_000), formatElapsed(3_725_000)]).toEqual(['0:00', '1:01', '45:05', '1:02:05']);
  });

  test('not a terminal: one timestamped line per event on stderr, with elapsed time', () => {
    const x = io(false);
    const p = createProgressReporter(x.cli, { json: false });
    events.forEach((e) => p.onEvent(e));
    p.close();
    expect(x.out()).toBe('');
    expect(x.err().split('\n')).toEqual([
      '[2025-01-02T03:04:05Z] start    create VPN gateway vgw',
      '[2025-01-02T03:05:06Z] state    create VPN gateway vgw: waiting: another operation is in progress (1:01)',
      '[2025-01-02T03:49:10Z] done     create VPN gateway vgw (45:05)',
      '[2025-01-02T03:49:10Z] warning  sites[0].sharedKey: differs',
      '',
    ]);
  });

  test('--json: one JSON object per line on stdout with elapsedMs', () => {
    const x = io(true);
    const p = createProgressReporter(x.cli, { json: true });
    events.forEach((e) => p.onEvent(e));
    const lines = jsonLines(x.out());
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatchObject({ event: 'progress', type: 'end', id: 'gw', outcome: 'done', elapsedMs: 2_705_000, time: '2025-01-02T03:49:10.000Z' });
    expect(x.err()).toBe('');
  });

  test('terminal: live lines redrawn in place, finished operations kept above, no timer left after close', () => {
    jest.useFakeTimers();
    try {
      let now = T0;
      const x = io(true);
      const p = createProgressReporter(x.cli, { json: false, now: () => now, refreshMs: 100 });
      p.onEvent(events[0]);
      now += 42_000;
      jest.advanceTimersByTime(100);
      expect(x.err()).toMatch(/\x1b\[1A/);
      expect(x.err()).toMatch(/ 0:42  create VPN gateway vgw  \[started\]/);
      p.onEvent({ type: 'end', id: 'gw', what: 'create VPN gateway vgw', outcome: 'done', at: now });
      expect(x.err()).toMatch(/\+  0:42  create VPN gateway vgw\n/);
      p.close();
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
