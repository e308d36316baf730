import { AzureError, InputError, UsageError } from '../../src/errors';
import { runForSites, worstExitCode } from '../../src/rotation/fleet';
import { mapLimit as runBounded } from '../../src/util/async';

describe('fleet runner', () => {
  it('never has more than the bound in flight, and keeps the input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await runBounded([5, 1, 4, 2, 3, 1, 2], 3, async (ms, i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight--;
      return i;
    });
    expect(out).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(peak).toBe(3);
  });

  it('reports every site, failures with their code, and never stops at the first', async () => {
    const results = await runForSites(['a', 'b', 'c', 'd'], 2, async (s) => {
      if (s === 'b') throw new AzureError('Throttled', 'too many requests');
      if (s === 'c') throw new Error('boom');
      return s.toUpperCase();
    });
    expect(results.map((r) => [r.site, r.ok, r.exitCode])).toEqual([
      ['a', true, 0],
      ['b', false, 4],
      ['c', false, 1],
      ['d', true, 0],
    ]);
  });

  it('the worst exit code: internal > Azure > input > usage > informational > ok', () => {
    expect(worstExitCode([])).toBe(0);
    expect(worstExitCode([0, 10, 0])).toBe(10);
    expect(worstExitCode([10, new UsageError('x', 'y').exitCode])).toBe(2);
    expect(worstExitCode([2, new InputError('x', 'y').exitCode, 0])).toBe(3);
    expect(worstExitCode([3, 4, 2])).toBe(4);
    expect(worstExitCode([4, 1, 0])).toBe(1);
  });
});
