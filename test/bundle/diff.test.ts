import { buildSiteBundle } from '../../src/bundle/build';
import type { Manifest } from '../../src/bundle/manifest';
import { diffManifests, formatBundleDiff } from '../../src/bundle/diff';
import { templateEngine } from '../../src/render/engine';
import { FAKE_DEVICES, KEY, sitePlan } from './helpers/plan';

const META = { toolVersion: '1.0.0', hubDigest: 'a'.repeat(64), redacted: false };

function manifestOf(key: string, meta = META): Manifest {
  const files = buildSiteBundle(sitePlan(key), meta, templateEngine, FAKE_DEVICES);
  return JSON.parse(files.find((f) => f.path === 'manifest.json')?.content as string) as Manifest;
}

describe('bundle --diff (manifest comparison)', () => {
  it('reports no change for the same bundle', () => {
    const d = diffManifests(manifestOf(KEY), manifestOf(KEY));
    expect(d.changed).toBe(false);
    expect(formatBundleDiff(d)).toEqual(['hq: no change']);
  });

  it('a new key changes exactly the files that hold it, and says so without showing it', () => {
    const other = 'OtherKey0000000000000000000000000000000000000000';
    const d = diffManifests(manifestOf(KEY), manifestOf(other));
    expect(d.files.map((f) => [f.path, f.change, f.secret])).toEqual([
      ['cisco-ios/azure-vpn.cfg', 'changed', true],
      ['index.html', 'changed', true],
      ['strongswan/swanctl.conf', 'changed', true],
    ]);
    const text = formatBundleDiff(d).join('\n');
    expect(text).toContain('~ cisco-ios/azure-vpn.cfg');
    expect(text).toContain('[holds the shared key]');
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(other);
  });

  it('lists added and removed files, mode changes and bundle-wide changes', () => {
    const before = manifestOf(KEY);
    const after = manifestOf(KEY, { toolVersion: '1.1.0', hubDigest: 'b'.repeat(64), redacted: false });
    after.files = after.files.filter((f) => f.path !== 'strongswan/frr.conf');
    after.files.push({ path: 'windows-rras/tunnelsmith-azure.ps1', sha256: 'c'.repeat(64), bytes: 10, mode: '0600', secret: true });
    const tunnel = after.files.find((f) => f.path === 'strongswan/tunnel-setup.sh');
    if (tunnel) tunnel.mode = '0644';
    after.devices = ['cisco-ios', 'strongswan', 'windows-rras'];
    const d = diffManifests(before, after);
    // The README and the page name the tool version, so they change too.
    expect(d.files.map((f) => `${f.change} ${f.path}`)).toEqual([
      'changed README.md',
      'changed index.html',
      'removed strongswan/frr.conf',
      'mode strongswan/tunnel-setup.sh',
      'added windows-rras/tunnelsmith-azure.ps1',
    ]);
    expect(d.meta).toEqual([
      'tool version 1.0.0 -> 1.1.0',
      'the hub file changed since the previous bundle',
      'devices cisco-ios, strongswan -> cisco-ios, strongswan, windows-rras',
    ]);
  });

  it('without a previous manifest every file is new', () => {
    const d = diffManifests(undefined, manifestOf(KEY));
    expect(d.firstBundle).toBe(true);
    expect(d.files.every((f) => f.change === 'added')).toBe(true);
    expect(d.files.map((f) => f.path)).toContain('README.md');
  });
});
