import { objectNameStem } from '../../../src/devices/kit/objectNameStem';

describe('objectNameStem', () => {
  it('is az-<site> for a site name of up to 14 characters', () => {
    expect(objectNameStem('hq')).toBe('az-hq');
    expect(objectNameStem('a'.repeat(14))).toBe(`az-${'a'.repeat(14)}`);
  });

  it('cuts a longer name to 9 characters (no trailing hyphen) plus 4 hex digits of its hash: at most 17 characters', () => {
    const stem = objectNameStem('branch-office-frankfurt');
    expect(stem).toMatch(/^az-branch-of-[0-9a-f]{4}$/);
    expect(objectNameStem('branch---office-x')).toMatch(/^az-branch-[0-9a-f]{4}$/);
    expect(objectNameStem('x'.repeat(80)).length).toBe(17);
  });

  it('tells apart long names that share their first 9 characters by the hash of the whole name', () => {
    const names = Array.from({ length: 50 }, (_, i) => `datacenter-site-${i}`);
    const stems = names.map(objectNameStem);
    for (const stem of stems) expect(stem).toMatch(/^az-datacente-[0-9a-f]{4}$/);
    expect(new Set(stems).size).toBe(names.length);
    expect(objectNameStem('datacenter-site-42')).toBe(stems[42]);
  });
});
