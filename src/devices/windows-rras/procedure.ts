/** Running, verifying and undoing the RRAS script (the handoff README's windows-rras steps). Pure. */
import { codeList, type DeviceProcedure, type ProcedureInput } from '../kit/procedure';

export function rrasProcedure(i: ProcedureInput): DeviceProcedure {
  return {
    before: ['Note the existing interfaces: `Get-VpnS2SInterface | Select-Object Name, Destination`.'],
    apply: [`In an elevated PowerShell on the RRAS server run ${codeList(i.files.map((f) => `.\\${f.replace(/\//g, '\\')}`))}.`],
    verify: [
      '`Get-VpnS2SInterface | Select-Object Name, ConnectionState` shows each Azure interface Connected.',
      ...(i.bgp ? ['`Get-BgpPeer` shows each Azure peer Connected; `Get-BgpRouteInformation` lists the VNet prefixes.'] : ['`Get-NetRoute` holds the routes to the Azure VNet prefixes on the Azure interfaces.']),
    ],
    rollback: ['`Remove-VpnS2SInterface -Name <name> -Force` for each interface the script added' + (i.bgp ? ', and `Remove-BgpPeer -Name <name> -Force` for its BGP peers.' : '.')],
  };
}
