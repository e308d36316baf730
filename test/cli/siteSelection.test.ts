/** `--site` on render and bundle: repeatable; each named site rendered, an unknown one named, nothing written then. */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../support/cli';

const THREE = path.resolve(__dirname, '..', '..', 'fixtures', 'three-sites');
// branch-b's key is deliberately absent: a site not asked for must not be needed.
const ENV = { BRANCH_A_PSK: 'branchAkey0123456789', BRANCH_C_PSK: 'branchCkey0123456789' };
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ts-site-selection-'));
  copyFileSync(path.join(THREE, 'hub.yaml'), path.join(dir, 'tunnelsmith.yaml'));
  copyFileSync(path.join(THREE, 'facts.json'), path.join(dir, 'facts.json'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const siteFolders = () => (existsSync(path.join(dir, 'out')) ? readdirSync(path.join(dir, 'out')).sort() : []);

describe.each(['render', 'bundle'])('%s --site', (command) => {
  it('given twice renders both sites, and only them', async () => {
    const r = await runCli([command, '--facts', 'facts.json', '--site', 'branch-a', '--site', 'branch-c'], { cwd: dir, env: ENV });
    // three-sites keeps an existing VpnGw2 gateway: validate's only word is that Microsoft migrates it.
    expect(r.stderr.split('\n').filter((l) => l && !l.includes('warning: azure.vpnGateway.sku: VpnGw2 is a non-AZ SKU'))).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^branch-a: \d+ files in /m);
    expect(r.stdout).toMatch(/^branch-c: \d+ files in /m);
    expect(siteFolders()).toEqual(['branch-a', 'branch-c']);
  });

  it('names every unknown site and writes nothing', async () => {
    const r = await runCli([command, '--facts', 'facts.json', '--site', 'branch-a', '--site', 'branch-x', '--site', 'hq'], { cwd: dir, env: ENV });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error \[UnknownSite\]: no sites named "branch-x", "hq" in tunnelsmith\.yaml\nnext: use one of: branch-a, branch-b, branch-c$/m);
    expect(r.stderr).not.toMatch(/"branch-a"/);
    expect(siteFolders()).toEqual([]);
  });

  it('a site named twice is rendered once', async () => {
    const r = await runCli([command, '--facts', 'facts.json', '--site', 'branch-c', '--site', 'branch-c'], { cwd: dir, env: ENV });
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^branch-c: /gm)).toHaveLength(1);
    expect(siteFolders()).toEqual(['branch-c']);
  });
});
