/** Installing, verifying and removing the strongSwan + FRR files (the handoff README's strongswan steps). Pure. */
import type { DeviceProcedure, ProcedureInput } from '../kit/procedure';

function named(files: string[], suffix: string): string | undefined {
  return files.find((f) => f.endsWith(suffix));
}

export function strongswanProcedure(i: ProcedureInput): DeviceProcedure {
  const swanctl = named(i.files, 'swanctl.conf') ?? 'strongswan/swanctl.conf';
  const setup = named(i.files, 'tunnel-setup.sh') ?? 'strongswan/tunnel-setup.sh';
  const frr = named(i.files, 'frr.conf');
  const timers = named(i.files, 'strongswan.d/tunnelsmith.conf');
  return {
    before: [`Back up \`/etc/swanctl/conf.d/\`${timers ? ' and `/etc/strongswan.d/`' : ''}, and \`/etc/frr/frr.conf\` when FRR is used.`],
    apply: [
      `Copy \`${swanctl}\` to \`/etc/swanctl/conf.d/azure.conf\` as root with mode 0600 (it holds the shared key).`,
      ...(timers
        ? [
            `Copy \`${timers}\` to \`/etc/strongswan.d/tunnelsmith.conf\` and run \`swanctl --reload-settings\`: charon's retransmission timers, so a silent Azure instance is declared dead within the DPD timeout. They are global: they apply to every connection of this charon, not only the Azure tunnels.`,
          ]
        : []),
      `Run \`sh ${setup}\` as root: it creates the XFRM interfaces, sysctls and firewall openings${i.bgp ? '' : ', and the static routes'}.`,
      'Load the connections: `swanctl --load-all`.',
      ...(frr ? [`Merge \`${frr}\` into \`/etc/frr/frr.conf\` and reload FRR: \`systemctl reload frr\`.`] : []),
    ],
    verify: [
      '`swanctl --list-sas` shows one IKE SA per Azure instance, ESTABLISHED, each with an INSTALLED child SA.',
      '`ip -s link show` shows traffic counters growing on the XFRM interfaces.',
      ...(i.bgp ? ["`vtysh -c 'show bgp summary'` shows each Azure neighbor with prefixes received."] : ['`ip route` holds the routes to the Azure VNet prefixes via the XFRM interfaces.']),
    ],
    rollback: [
      'Remove `/etc/swanctl/conf.d/azure.conf` (or restore the backup) and run `swanctl --load-all`; terminate the SAs with `swanctl --terminate --ike <name>`.',
      ...(timers ? ['Remove `/etc/strongswan.d/tunnelsmith.conf` (or restore the backup) and run `swanctl --reload-settings`.'] : []),
      'Delete the XFRM interfaces the setup script created (`ip link del <name>`)' + (frr ? ' and restore `/etc/frr/frr.conf`, then `systemctl reload frr`.' : '.'),
    ],
  };
}
