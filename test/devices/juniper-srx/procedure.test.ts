import { junosProcedure } from '../../../src/devices/juniper-srx/procedure';

describe('juniper-srx procedure', () => {
  it('loads the set file, commits with an automatic rollback, and checks BGP or the static routes', () => {
    const bgp = junosProcedure({ files: ['juniper-srx/azure-vpn.set'], bgp: true, tunnels: 2 });
    expect(bgp.apply[0]).toBe('Copy `juniper-srx/azure-vpn.set` to the SRX (for example to `/var/tmp/`).');
    expect(bgp.apply).toContain('`commit check`, then `commit confirmed 10`: Junos rolls back by itself after 10 minutes unless you confirm.');
    expect(bgp.verify.at(-1)).toBe('`show bgp summary` shows each Azure neighbor Established.');
    expect(bgp.rollback).toEqual(['In `configure` mode: `rollback 1`, then `commit` (or let `commit confirmed` expire).']);
    expect(junosProcedure({ files: ['juniper-srx/azure-vpn.set'], bgp: false, tunnels: 1 }).verify.at(-1)).toMatch(/^`show route` holds the static routes/);
  });
});
