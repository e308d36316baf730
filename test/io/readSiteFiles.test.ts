/** readSiteFiles (bundle --diff): what is on disk at the paths a manifest lists, never a crash. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as noFollow from '../../src/io/noFollow';
import { readSiteFiles } from '../../src/io/readSiteFiles';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ts-site-files-'));
  mkdirSync(path.join(dir, 'cisco-ios'));
  writeFileSync(path.join(dir, 'README.md'), 'hello\n', { mode: 0o644 });
  writeFileSync(path.join(dir, 'cisco-ios', 'azure-vpn.cfg'), 'config\n', { mode: 0o600 });
});
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

test('checksum and mode of each file; nothing for a path with nothing there; a link is named, not read', () => {
  symlinkSync('/etc/passwd', path.join(dir, 'index.html'));
  const files = readSiteFiles(dir, ['README.md', 'cisco-ios/azure-vpn.cfg', 'manifest.json', 'index.html']);
  expect(files.get('README.md')).toEqual({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), mode: '0644' });
  expect(files.get('cisco-ios/azure-vpn.cfg')).toMatchObject({ mode: '0600' });
  expect(files.has('manifest.json')).toBe(false);
  expect(files.get('index.html')).toEqual({ unreadable: 'a symbolic link' });
});

test('a file that cannot be read (EACCES) is reported as such, not thrown', () => {
  jest.spyOn(noFollow, 'readFileNoFollow').mockImplementation(() => {
    throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
  });
  expect(readSiteFiles(dir, ['README.md']).get('README.md')).toEqual({ unreadable: 'a file tunnelsmith cannot read' });
});
