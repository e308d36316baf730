import { strongswanProcedure } from '../../../src/devices/strongswan/procedure';

const ALL = ['strongswan/swanctl.conf', 'strongswan/tunnel-setup.sh', 'strongswan/strongswan.d/tunnelsmith.conf', 'strongswan/frr.conf'];

describe('strongswan procedure', () => {
  it('installs each file the plan rendered: swanctl.conf, the charon timers, the setup script, frr.conf', () => {
    const p = strongswanProcedure({ files: ALL, bgp: true, tunnels: 2 });
    expect(p.before).toEqual(['Back up `/etc/swanctl/conf.d/` and `/etc/strongswan.d/`, and `/etc/frr/frr.conf` when FRR is used.']);
    expect(p.apply[0]).toBe('Copy `strongswan/swanctl.conf` to `/etc/swanctl/conf.d/azure.conf` as root with mode 0600 (it holds the shared key).');
    expect(p.apply[1]).toMatch(/^Copy `strongswan\/strongswan.d\/tunnelsmith.conf` to `\/etc\/strongswan.d\/tunnelsmith.conf` and run `swanctl --reload-settings`/);
    expect(p.apply[2]).toBe('Run `sh strongswan/tunnel-setup.sh` as root: it creates the XFRM interfaces, sysctls and firewall openings.');
    expect(p.apply.at(-1)).toBe('Merge `strongswan/frr.conf` into `/etc/frr/frr.conf` and reload FRR: `systemctl reload frr`.');
    expect(p.rollback).toHaveLength(3);
  });

  it('without FRR or timers files: static routes from the script, no FRR or timers steps', () => {
    const p = strongswanProcedure({ files: ALL.slice(0, 2), bgp: false, tunnels: 1 });
    expect(p.before[0]).toBe('Back up `/etc/swanctl/conf.d/`, and `/etc/frr/frr.conf` when FRR is used.');
    expect(p.apply).toEqual([
      'Copy `strongswan/swanctl.conf` to `/etc/swanctl/conf.d/azure.conf` as root with mode 0600 (it holds the shared key).',
      'Run `sh strongswan/tunnel-setup.sh` as root: it creates the XFRM interfaces, sysctls and firewall openings, and the static routes.',
      'Load the connections: `swanctl --load-all`.',
    ]);
    expect(p.rollback.at(-1)).toBe('Delete the XFRM interfaces the setup script created (`ip link del <name>`).');
  });
});
