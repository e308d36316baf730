import { ciscoProcedure } from '../../../src/devices/cisco-ios/procedure';

describe('cisco-ios procedure', () => {
  it('names the file to copy, saves a rollback point first, and checks BGP or the static routes', () => {
    const bgp = ciscoProcedure({ files: ['cisco-ios/azure-vpn.cfg'], bgp: true, tunnels: 2 });
    expect(bgp.before).toEqual(['Save the running configuration so it can be restored: `copy running-config flash:pre-tunnelsmith.cfg`.']);
    expect(bgp.apply[0]).toBe('Copy `cisco-ios/azure-vpn.cfg` to the router (for example `copy scp: flash:`), or open it and paste it in `configure terminal`.');
    expect(bgp.verify).toContain('`show interface Tunnel<N> | include line protocol` is up for each of the 2 tunnel(s).');
    expect(bgp.verify.at(-1)).toMatch(/^`show ip bgp summary`/);
    expect(bgp.rollback[0]).toMatch(/^`configure replace flash:pre-tunnelsmith.cfg`/);
    const statics = ciscoProcedure({ files: ['cisco-ios/azure-vpn.cfg'], bgp: false, tunnels: 1 });
    expect(statics.verify.at(-1)).toMatch(/^`show ip route` holds the static routes/);
  });
});
