/** Whether this machine can run the lab: root, the Debian packages, TUN and namespaces. */
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import type { Blocker, Prerequisite } from '../../support/prerequisites';
import { CHARON_BINARY } from './charon';
import { FRR_DIR } from './frr';

export const SKIP_ENV = 'TUNNELSMITH_SKIP_LAB';

const KERNEL_LIBIPSEC = '/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so';
const TUN = '/dev/net/tun';

/** Each file the lab needs, with the Debian package that provides it (none for the kernel's TUN device). */
const REQUIRED_FILES: [string, string | undefined][] = [
  [CHARON_BINARY, 'strongswan-charon'],
  [KERNEL_LIBIPSEC, 'libcharon-extra-plugins'],
  ['/usr/lib/ipsec/plugins/libstrongswan-openssl.so', 'libstrongswan-standard-plugins'],
  [`${FRR_DIR}/zebra`, 'frr'],
  [`${FRR_DIR}/staticd`, 'frr'],
  [`${FRR_DIR}/bgpd`, 'frr'],
  [TUN, undefined],
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

/** Every Debian package the checks above name (scripts/install-lab-deps.sh installs them). */
export const LAB_DEBIAN_PACKAGES: string[] = [
  ...new Set([...REQUIRED_FILES.flatMap(([, pkg]) => (pkg ? [pkg] : [])), ...REQUIRED_COMMANDS.map(([, pkg]) => pkg)]),
];

function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function blockersOf(files: [string, string | undefined][], commands: [string, string][], rootFor: string): Blocker[] {
  if (process.platform !== 'linux') return [{ reason: `not Linux (${process.platform})` }];
  const blockers: Blocker[] = [];
  if (process.getuid?.() !== 0) blockers.push({ reason: `not running as root (${rootFor} need root)`, root: true });
  for (const [file, pkg] of files) if (!existsSync(file)) blockers.push({ reason: `${file} missing (${pkg ?? 'the TUN device (kernel)'})`, debianPackage: pkg });
  for (const [cmd, pkg] of commands) if (!hasCommand(cmd)) blockers.push({ reason: `command ${cmd} missing (${pkg})`, debianPackage: pkg });
  return blockers;
}

/** The whole lab: namespaces, strongSwan, FRR, BIRD. */
export const LAB: Prerequisite = {
  subject: 'The interop lab',
  skipEnv: SKIP_ENV,
  blockers: () => blockersOf(REQUIRED_FILES, REQUIRED_COMMANDS, 'network namespaces and daemons'),
};

/** One charon in a namespace of its own: part of what the lab needs, skipped with it. */
export const CHARON_IN_NAMESPACE: Prerequisite = {
  subject: 'A real charon in a network namespace',
  skipEnv: SKIP_ENV,
  blockers: () =>
    blockersOf(
      REQUIRED_FILES.filter(([file]) => [CHARON_BINARY, KERNEL_LIBIPSEC, TUN].includes(file)),
      REQUIRED_COMMANDS.filter(([cmd]) => ['swanctl', 'ip'].includes(cmd)),
      'network namespaces and charon',
    ),
};
