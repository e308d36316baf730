/** Applying, verifying and rolling back the IOS-XE file (the handoff README's cisco-ios steps). Pure. */
import { codeList, type DeviceProcedure, type ProcedureInput } from '../kit/procedure';

export function ciscoProcedure(i: ProcedureInput): DeviceProcedure {
  return {
    before: ['Save the running configuration so it can be restored: `copy running-config flash:pre-tunnelsmith.cfg`.'],
    apply: [
      `Copy ${codeList(i.files)} to the router (for example \`copy scp: flash:\`), or open it and paste it in \`configure terminal\`.`,
      'Merge it into the running configuration: `copy flash:<file> running-config` (the file only adds and replaces the objects it names).',
      'When the tunnels are up (next step), save: `copy running-config startup-config`.',
    ],
    verify: [
      '`show crypto ikev2 sa` lists one IKEv2 SA per Azure instance, status READY.',
      '`show crypto ipsec sa` shows packets encrypted and decrypted on every tunnel.',
      `\`show interface Tunnel<N> | include line protocol\` is up for each of the ${i.tunnels} tunnel(s).`,
      ...(i.bgp ? ['`show ip bgp summary` shows each Azure BGP neighbor Established with prefixes received.'] : ['`show ip route` holds the static routes to the Azure VNet prefixes via the tunnels.']),
    ],
    rollback: ['`configure replace flash:pre-tunnelsmith.cfg` restores the saved configuration (then `copy running-config startup-config`).'],
  };
}
