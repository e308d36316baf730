/** Applying, verifying and rolling back the FortiOS file (the handoff README's fortigate steps). Pure. */
import { codeList, type DeviceProcedure, type ProcedureInput } from '../kit/procedure';

export function fortiosProcedure(i: ProcedureInput): DeviceProcedure {
  return {
    before: ['Back up the configuration so it can be restored: admin menu > Configuration > Backup (or `execute backup config` to a TFTP/FTP server).'],
    apply: [
      `Open ${codeList(i.files)} and check the interface names in its notes (\`outsideInterface\`, \`insideInterface\` in deviceOptions).`,
      "Paste the lines that do not start with `#` into the CLI console (`grep -v '^#' <file>`), or run the file as a configuration script.",
      'Move the new firewall policies above any policy that would deny this traffic (`show firewall policy`, then `move <id> before <id>` in `config firewall policy`).',
    ],
    verify: [
      `\`get vpn ipsec tunnel summary\` lists the ${i.tunnels} tunnel(s) up, one per Azure instance.`,
      '`diagnose vpn ike gateway list name <tunnel>` shows each IKE SA established with the proposal of the file.',
      '`diagnose vpn tunnel list name <tunnel>` shows the IPsec SAs with packets encrypted and decrypted.',
      ...(i.bgp
        ? ['`get router info bgp summary` shows each Azure neighbor with prefixes received.']
        : ['`get router info routing-table all` holds the static routes to the Azure prefixes through the tunnels.']),
    ],
    rollback: ['Restore the backup (admin menu > Configuration > Restore, or `execute restore config`); the FortiGate reboots with the saved configuration.'],
  };
}
