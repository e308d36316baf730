/** Whether this machine can run the lab: root, the Debian packages, TUN and namespaces. */
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { CHARON_BINARY } from './charon';
import { FRR_DIR } from './frr';

export const SKIP_ENV = 'TUNNELSMITH_SKIP_LAB';

const REQUIRED_FILES: [string, string][] = [
  [CHARON_BINARY, 'strongswan-charon'],
  ['/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so', 'libcharon-extra-plugins'],
  ['/usr/lib/ipsec/plugins/libstrongswan-openssl.so', 'libstrongswan-standard-plugins'],
  [`${FRR_DIR}/zebra`, 'frr'],
  [`${FRR_DIR}/staticd`, 'frr'],
  [`${FRR_DIR}/bgpd`, 'frr'],
  ['/dev/net/tun', 'the TUN device (kernel)'],
];
const REQUIRED_COMMANDS: [string, string][] = [
  ['swanctl', 'strongswan-swanctl'],
  ['vtysh', 'frr'],
  ['bird', 'bird2'],
  ['birdc', 'bird2'],
  ['ping', 'iputils-ping'],
  ['ip', 'iproute2'],
  ['iptables', 'iptables'],
];

function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Every reason the lab cannot run here (empty: it can). */
export function labBlockers(): string[] {
  const blockers: string[] = [];
  if (process.platform !== 'linux') return [`not Linux (${process.platform})`];
  if (process.getuid?.() !== 0) blockers.push('not running as root (network namespaces and daemons need root)');
  for (const [file, pkg] of REQUIRED_FILES) if (!existsSync(file)) blockers.push(`${file} missing (${pkg})`);
  for (const [cmd, pkg] of REQUIRED_COMMANDS) if (!hasCommand(cmd)) blockers.push(`command ${cmd} missing (${pkg})`);
  return blockers;
}
