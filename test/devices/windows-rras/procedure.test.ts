import { rrasProcedure } from '../../../src/devices/windows-rras/procedure';

describe('windows-rras procedure', () => {
  it('runs the script by its Windows path and undoes interfaces (and BGP peers with BGP)', () => {
    const bgp = rrasProcedure({ files: ['windows-rras/tunnelsmith-azure.ps1'], bgp: true, tunnels: 2 });
    expect(bgp.apply).toEqual(['In an elevated PowerShell on the RRAS server run `.\\windows-rras\\tunnelsmith-azure.ps1`.']);
    expect(bgp.rollback).toEqual(['`Remove-VpnS2SInterface -Name <name> -Force` for each interface the script added, and `Remove-BgpPeer -Name <name> -Force` for its BGP peers.']);
    const statics = rrasProcedure({ files: ['windows-rras/tunnelsmith-azure.ps1'], bgp: false, tunnels: 1 });
    expect(statics.verify.at(-1)).toMatch(/^`Get-NetRoute`/);
    expect(statics.rollback).toEqual(['`Remove-VpnS2SInterface -Name <name> -Force` for each interface the script added.']);
  });
});
