/** Applying, verifying and rolling back the PAN-OS `set` file (the handoff README's paloalto steps). Pure. */
import { codeList, type DeviceProcedure, type ProcedureInput } from '../kit/procedure';

export function panosProcedure(i: ProcedureInput): DeviceProcedure {
  return {
    before: [
      'In `configure` mode, save the running configuration as a named snapshot: `save config to pre-tunnelsmith.xml`.',
      ...(i.tunnels > 1
        ? ['With two tunnels the file turns on ECMP in the virtual router: if ECMP is off there today, the commit restarts the virtual router (sessions through it may drop), so plan a maintenance window.']
        : []),
    ],
    apply: [
      `Open ${codeList(i.files)} and check the interface, zone and virtual router names in its notes (deviceOptions).`,
      "In `configure` mode paste the lines that start with `set` (`grep '^set ' <file>`), then `show | compare` to review.",
      '`validate full`, then `commit`. Move the new security rules above any rule that would deny this traffic (`move rulebase security rules <name> top`).',
    ],
    verify: [
      `\`show vpn ike-sa\` lists one IKE SA per Azure instance (${i.tunnels} in all), state Established.`,
      '`show vpn ike-sa detail gateway <gateway>` shows the proposal of the file and the local and peer IDs.',
      '`show vpn ipsec-sa` lists one IPsec SA per tunnel.',
      ...(i.bgp
        ? ['`show routing protocol bgp peer` shows each Azure peer Established with prefixes received.']
        : ['`show routing route` holds the static routes to the Azure prefixes through the tunnel interfaces.']),
    ],
    rollback: ['In `configure` mode: `load config from pre-tunnelsmith.xml`, then `commit` (before the commit, `revert config` drops the pasted changes).'],
  };
}
