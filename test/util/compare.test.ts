import { execFileSync } from 'node:child_process';
import { compareCodeUnits } from '../../src/util/compare';

describe('compareCodeUnits', () => {
  it('orders by code unit: capitals before lower case, punctuation by its code', () => {
    expect(['index.html', 'cisco-ios/a.cfg', 'README.md', 'SHA256SUMS', 'manifest.json', 'b-c', 'b.c', 'b/c'].sort(compareCodeUnits)).toEqual([
      'README.md',
      'SHA256SUMS',
      'b-c',
      'b.c',
      'b/c',
      'cisco-ios/a.cfg',
      'index.html',
      'manifest.json',
    ]);
    expect(compareCodeUnits('a', 'a')).toBe(0);
  });

  it('does not follow the locale, as localeCompare does (a Danish process sorts "aa" after "z")', () => {
    const names = ['aa-x', 'z-y', 'j'];
    const byLocale = (lang: string) =>
      execFileSync(process.execPath, ['-e', `console.log(JSON.stringify(${JSON.stringify(names)}.sort((a, b) => a.localeCompare(b))))`], { env: { PATH: process.env.PATH, LANG: lang, LC_ALL: lang }, encoding: 'utf8' }).trim();
    expect(JSON.parse(byLocale('C'))).toEqual(['aa-x', 'j', 'z-y']);
    expect(JSON.parse(byLocale('da_DK.UTF-8'))).toEqual(['j', 'z-y', 'aa-x']);
    expect([...names].sort(compareCodeUnits)).toEqual(['aa-x', 'j', 'z-y']);
  });
});
