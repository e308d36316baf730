/** The umask as /proc/self/status says it, and when a created file's mode needs setting. */
import { createdModeNeedsSetting, readUmask, umaskFromStatus } from '../../src/io/umask';

let saved: number;
beforeEach(() => {
  saved = process.umask();
});
afterEach(() => {
  process.umask(saved);
});

test('the Umask line of /proc/self/status, in octal; none is null', () => {
  expect(umaskFromStatus('Name:\tnode\nUmask:\t0022\nState:\tR (running)\n')).toBe(0o022);
  expect(umaskFromStatus('Umask:\t0077\n')).toBe(0o077);
  expect(umaskFromStatus('Name:\tnode\nState:\tR\n')).toBeNull();
});

test('read as it is now, after a change', () => {
  process.umask(0o027);
  expect(readUmask()).toBe(0o027);
  process.umask(0o002);
  expect(readUmask()).toBe(0o002);
});

test('a mode needs setting when the umask takes one of its bits, or when the umask is unknown', () => {
  expect(createdModeNeedsSetting(0o600, 0o022)).toBe(false);
  expect(createdModeNeedsSetting(0o755, 0o022)).toBe(false);
  expect(createdModeNeedsSetting(0o644, 0o077)).toBe(true);
  expect(createdModeNeedsSetting(0o700, 0o077)).toBe(false);
  expect(createdModeNeedsSetting(0o664, 0o022)).toBe(true);
  expect(createdModeNeedsSetting(0o600, null)).toBe(true);
});
