/** What a suite that cannot run on this machine tells the developer. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cannotRunMessage, type Prerequisite } from './prerequisites';
import { LAB_DEBIAN_PACKAGES } from '../interop/lab/prereqs';

const LAB_LIKE: Prerequisite = { subject: 'The lab', skipEnv: 'TUNNELSMITH_SKIP_LAB', blockers: () => [] };

test('names every blocker, the one command that installs the missing packages (each once), root, and the skip variable', () => {
  const message = cannotRunMessage(LAB_LIKE, [
    { reason: 'not running as root (namespaces need root)', root: true },
    { reason: '/usr/lib/frr/zebra missing (frr)', debianPackage: 'frr' },
    { reason: '/usr/lib/frr/bgpd missing (frr)', debianPackage: 'frr' },
    { reason: 'command bird missing (bird2)', debianPackage: 'bird2' },
    { reason: '/dev/net/tun missing (the TUN device (kernel))' },
  ]);
  expect(message.split('\n')).toEqual([
    'The lab cannot run on this machine:',
    '  - not running as root (namespaces need root)',
    '  - /usr/lib/frr/zebra missing (frr)',
    '  - /usr/lib/frr/bgpd missing (frr)',
    '  - command bird missing (bird2)',
    '  - /dev/net/tun missing (the TUN device (kernel))',
    'Install the missing Debian packages:',
    '  sudo apt-get update && sudo apt-get install -y --no-install-recommends frr bird2',
    '(`npm test` run as root installs them itself.)',
    'Run the tests as root: sudo npm test',
    'Or set TUNNELSMITH_SKIP_LAB=1 to skip it (jest then reports its tests as skipped).',
  ]);
});

test('says nothing of packages when none is missing, nor of root when root is not the problem', () => {
  const message = cannotRunMessage({ ...LAB_LIKE, skipEnv: 'TUNNELSMITH_SKIP_BROWSER' }, [{ reason: 'not Linux (darwin)' }]);
  expect(message).not.toMatch(/apt-get|root/);
  expect(message).toContain('TUNNELSMITH_SKIP_BROWSER=1');
});

test('every package the lab checks for is one scripts/install-lab-deps.sh installs (the command it prints installs them)', () => {
  const script = readFileSync(path.join(__dirname, '..', '..', 'scripts', 'install-lab-deps.sh'), 'utf8');
  const listed = script.match(/^PACKAGES=\(\n([\s\S]*?)\n\)/m)?.[1].split('\n').map((l) => l.trim()) ?? [];
  expect(listed.length).toBeGreaterThan(0);
  expect(LAB_DEBIAN_PACKAGES.filter((p) => !listed.includes(p))).toEqual([]);
});
