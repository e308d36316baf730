import { juniperSrx } from '../../../src/devices/juniper-srx/device';
import { JUNOS_COMMIT_STEPS, junosProcedure } from '../../../src/devices/juniper-srx/procedure';
import { renderDeviceFiles } from '../../../src/render/renderSite';
import { makeContext } from './contexts';

describe('juniper-srx procedure', () => {
  it('loads the set file, commits with an automatic rollback, and checks BGP or the static routes', () => {
    const bgp = junosProcedure({ files: ['juniper-srx/azure-vpn.set'], bgp: true, tunnels: 2 });
    expect(bgp.apply[0]).toBe('Copy `juniper-srx/azure-vpn.set` to the SRX (for example to `/var/tmp/`).');
    expect(bgp.apply).toContain('`commit check`, then `commit confirmed 10` (Junos rolls back by itself after 10 minutes unless you confirm), and once the tunnels are up, `commit` to confirm.');
    expect(bgp.verify.at(-1)).toBe('`show bgp summary` shows each Azure neighbor Established.');
    expect(bgp.rollback).toEqual(['In `configure` mode: `rollback 1`, then `commit` (or let `commit confirmed` expire).']);
    expect(junosProcedure({ files: ['juniper-srx/azure-vpn.set'], bgp: false, tunnels: 1 }).verify.at(-1)).toMatch(/^`show route` holds the static routes/);
  });
});

describe('one answer to "how do I commit this on an SRX"', () => {
  it('the file header, the bundle procedure and the project README give the same steps', () => {
    const { readFileSync } = require('node:fs') as typeof import('node:fs');
    const path = require('node:path') as typeof import('node:path');
    const plain = (t: string) => t.replace(/[`"]/g, '');
    const steps = plain(JUNOS_COMMIT_STEPS);
    const procedure = junosProcedure({ files: ['juniper-srx/azure-vpn.set'], bgp: false, tunnels: 1 }).apply.join('\n');
    const header = renderDeviceFiles(makeContext(juniperSrx, {}), juniperSrx);
    if (!header.ok) throw new Error('render refused');
    const readme = readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8').replace(/\s*\n\s*/g, ' ');
    for (const [where, text] of [['procedure', procedure], ['file header', header.files[0].content], ['README', readme]] as const) {
      expect([where, plain(text).includes(steps)]).toEqual([where, true]);
      expect([where, /commit confirmed (?!10\b)\d+/.test(text)]).toEqual([where, false]);
    }
  });
});
