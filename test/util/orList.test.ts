import { orList } from '../../src/util/orList';

test('a, b or c; one item alone; nothing empty', () => {
  expect(orList(['cisco-ios', 'fortigate', 'paloalto'])).toBe('cisco-ios, fortigate or paloalto');
  expect(orList(['a', 'b'])).toBe('a or b');
  expect(orList(['a'])).toBe('a');
  expect(orList([])).toBe('');
});
