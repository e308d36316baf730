/**
 * How the on-prem engineer applies, verifies and rolls back each device's files: the handoff README's
 * per-device procedure. Pure; file names come from the render plan, never assumed.
 */
import type { DeviceId } from '../hub/deviceIds';

export interface DeviceProcedure {
  before: string[];
  apply: string[];
  verify: string[];
  rollback: string[];
}

export interface ProcedureInput {
  /** Paths relative to the site folder, e.g. `cisco-ios/azure-vpn.cfg`. */
  files: string[];
  bgp: boolean;
  tunnels: number;
}

function named(files: string[], suffix: string): string | undefined {
  return files.find((f) => f.endsWith(suffix));
}

function list(files: string[]): string {
  return files.map((f) => `\`${f}\``).join(', ');
}

const procedures: Record<DeviceId, (i: ProcedureInput) => DeviceProcedure> = {
  'cisco-ios': (i) => ({
    before: ['Save the running configuration so it can be restored: `copy running-config flash:pre-tunnelsmith.cfg`.'],
    apply: [
      `Copy ${list(i.files)} to the router (for example \`copy scp: flash:\`), or open it and paste it in \`configure terminal\`.`,
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
  }),
  'juniper-srx': (i) => ({
    before: ['Junos keeps earlier commits: note the current one with `show system commit`.'],
    apply: [
      `Copy ${list(i.files)} to the SRX (for example to \`/var/tmp/\`).`,
      'In `configure` mode load it: `load set /var/tmp/<file>` (the file holds `set` commands), then `show | compare` to review.',
      '`commit check`, then `commit confirmed 10`: Junos rolls back by itself after 10 minutes unless you confirm.',
      'When the tunnels are up (next step), confirm with `commit`.',
    ],
    verify: [
      '`show security ike security-associations` lists one IKE SA per Azure instance, state UP.',
      '`show security ipsec security-associations` lists one IPsec SA per st0 unit.',
      '`show interfaces st0 terse` shows the st0 units up.',
      ...(i.bgp ? ['`show bgp summary` shows each Azure neighbor Established.'] : ['`show route` holds the static routes to the Azure VNet prefixes via st0.']),
    ],
    rollback: ['In `configure` mode: `rollback 1`, then `commit` (or let `commit confirmed` expire).'],
  }),
  strongswan: (i) => {
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
  },
  'windows-rras': (i) => ({
    before: ['Note the existing interfaces: `Get-VpnS2SInterface | Select-Object Name, Destination`.'],
    apply: [`In an elevated PowerShell on the RRAS server run ${list(i.files.map((f) => `.\\${f.replace(/\//g, '\\')}`))}.`],
    verify: [
      '`Get-VpnS2SInterface | Select-Object Name, ConnectionState` shows each Azure interface Connected.',
      ...(i.bgp ? ['`Get-BgpPeer` shows each Azure peer Connected; `Get-BgpRouteInformation` lists the VNet prefixes.'] : ['`Get-NetRoute` holds the routes to the Azure VNet prefixes on the Azure interfaces.']),
    ],
    rollback: ['`Remove-VpnS2SInterface -Name <name> -Force` for each interface the script added' + (i.bgp ? ', and `Remove-BgpPeer -Name <name> -Force` for its BGP peers.' : '.')],
  }),
};

/** The apply/verify/rollback steps for one device's files. Pure. */
export function buildDeviceProcedure(device: DeviceId, input: ProcedureInput): DeviceProcedure {
  return procedures[device](input);
}
