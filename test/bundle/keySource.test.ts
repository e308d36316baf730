/** Which key a bundle carries: live Azure's; from a facts file the journal's, else the facts', else the reference; disagreement names the stale one. */
import { chooseFactsKey, compareLiveKey, type KeyCandidates } from '../../src/bundle/keySource';

const base: KeyCandidates = { site: 'hq', sitePath: 'sites[0]' };
const journal = (key: string, rotationState = 'idle') => ({ key, since: '2026-05-01T10:00:00.000Z', rotationState });
const env = (key: string) => ({ key, label: 'environment variable HQ_PSK' });

describe('chooseFactsKey', () => {
  it('takes the journal\'s active key, else the facts file\'s, else the reference', () => {
    expect(chooseFactsKey({ ...base, journal: journal('J'), facts: 'J', reference: env('J') })).toEqual({ key: 'J', source: 'the key journal', problems: [] });
    expect(chooseFactsKey({ ...base, facts: 'F', reference: env('F') })).toEqual({ key: 'F', source: 'the facts file', problems: [] });
    expect(chooseFactsKey({ ...base, reference: env('R') })).toEqual({ key: 'R', source: 'environment variable HQ_PSK', problems: [] });
    expect(chooseFactsKey(base)).toEqual({ problems: [] });
    // A prepared rotation changes nothing yet: Azure still holds the journal's current key.
    expect(chooseFactsKey({ ...base, journal: journal('J', 'prepared') }).key).toBe('J');
  });

  it('a reference older than the journal (rotated since) is named stale with the fix; no key is chosen', () => {
    const c = chooseFactsKey({ ...base, journal: journal('NEW', 'applied'), reference: env('OLD') });
    expect(c.key).toBeUndefined();
    expect(c.problems).toEqual([
      {
        path: 'sites[0].sharedKey',
        severity: 'error',
        message: expect.stringMatching(/^site hq: the key behind environment variable HQ_PSK is stale: it differs from the key Azure holds as the key journal recorded it on 2026-05-01T10:00:00.000Z/),
        fix: 'put the key in use behind environment variable HQ_PSK (tunnelsmith rotate-key status --site hq --show-secret shows it), then render again',
      },
    ]);
  });

  it('a facts file older than the journal is named stale; both stale sources are listed', () => {
    const c = chooseFactsKey({ ...base, journal: journal('NEW'), facts: 'OLD', reference: env('OLDER') });
    expect(c.key).toBeUndefined();
    expect(c.problems.map((p) => p.message)).toEqual([
      expect.stringContaining("the facts file's key is stale"),
      expect.stringContaining('the key behind environment variable HQ_PSK is stale'),
    ]);
    expect(c.problems[0]?.fix).toContain('tunnelsmith facts --include-secrets');
  });

  it('without a journal, a reference that differs from the facts file is named stale', () => {
    const c = chooseFactsKey({ ...base, facts: 'F', reference: { key: 'R', label: 'key file keys/hq.psk' } });
    expect(c.key).toBeUndefined();
    expect(c.problems[0]?.message).toMatch(/key behind key file keys\/hq\.psk is stale: it differs from the key Azure held when the facts file was written/);
  });

  it('refuses while a key change is in flight (Azure may hold either key), naming how to finish', () => {
    for (const [state, action] of [['applying', 'apply'], ['rolling-back', 'rollback']] as const) {
      const c = chooseFactsKey({ ...base, journal: journal('J', state), facts: 'J' });
      expect(c.key).toBeUndefined();
      expect(c.problems[0]?.message).toContain(`rotation state ${state}`);
      expect(c.problems[0]?.fix).toContain(`rotate-key ${action} --site hq`);
    }
  });

  it('never puts a key into a message', () => {
    const c = chooseFactsKey({ ...base, journal: journal('SecretJournalKey1'), facts: 'SecretFactsKey22', reference: env('SecretRefKey333') });
    const text = JSON.stringify(c.problems);
    for (const k of ['SecretJournalKey1', 'SecretFactsKey22', 'SecretRefKey333']) expect(text).not.toContain(k);
  });
});

describe('compareLiveKey', () => {
  it('warns (never fails) when the reference or the journal differs from the key Azure holds', () => {
    expect(compareLiveKey({ ...base, azure: 'A', journal: journal('A'), reference: env('A') })).toEqual([]);
    const w = compareLiveKey({ ...base, azure: 'A', journal: journal('J'), reference: env('R') });
    expect(w.map((p) => p.severity)).toEqual(['warning', 'warning']);
    expect(w[0]?.message).toContain("environment variable HQ_PSK differs from the key Azure holds; the bundle carries Azure's key");
    expect(w[1]?.message).toContain("the key journal's active key differs from the key Azure holds");
    // During a rotation the journal legitimately holds the other key.
    expect(compareLiveKey({ ...base, azure: 'A', journal: journal('J', 'applying') })).toEqual([]);
  });
});
