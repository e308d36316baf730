/**
 * Suites that need more than Node: root, Debian packages, a browser. Chosen at collection time, such a
 * suite runs when the machine can run it, is a real jest skip (reported as skipped) when its skip
 * variable is set, and otherwise is one failing test that says what is missing and the exact command
 * that installs it. `npm test` run as root installs the packages itself (scripts/install-test-deps.sh).
 */

/** One reason a suite cannot run here. */
export interface Blocker {
  reason: string;
  /** The Debian package that provides what is missing, when a package does. */
  debianPackage?: string;
  /** Missing root rights. */
  root?: boolean;
}

export interface Prerequisite {
  /** What cannot run without it, as the messages name it: "The interop lab". */
  subject: string;
  /** The variable that skips the suite when it is `1`. */
  skipEnv: 'TUNNELSMITH_SKIP_LAB' | 'TUNNELSMITH_SKIP_BROWSER';
  /** Every reason the suite cannot run on this machine (empty: it can). */
  blockers(): Blocker[];
}

/** The one command line that installs `packages` for a user who is not root. */
export function aptInstallCommand(packages: string[]): string {
  return `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

/** The failure message for a suite that cannot run: every blocker, then how to remove each kind. */
export function cannotRunMessage(p: Prerequisite, blockers: Blocker[]): string {
  const packages = [...new Set(blockers.flatMap((b) => (b.debianPackage ? [b.debianPackage] : [])))];
  return [
    `${p.subject} cannot run on this machine:`,
    ...blockers.map((b) => `  - ${b.reason}`),
    ...(packages.length > 0 ? ['Install the missing Debian packages:', `  ${aptInstallCommand(packages)}`, '(`npm test` run as root installs them itself.)'] : []),
    ...(blockers.some((b) => b.root) ? ['Run the tests as root: sudo npm test'] : []),
    `Or set ${p.skipEnv}=1 to skip it (jest then reports its tests as skipped).`,
  ].join('\n');
}

/**
 * `describe(name, body)` when the machine meets `p`; `describe.skip` when `p.skipEnv` is `1`; otherwise a
 * single failing test naming what is missing.
 */
export function describeNeeding(p: Prerequisite, name: string, body: () => void): void {
  if (process.env[p.skipEnv] === '1') {
    describe.skip(name, body);
    return;
  }
  const blockers = p.blockers();
  if (blockers.length === 0) {
    describe(name, body);
    return;
  }
  describe(name, () => {
    test('can run on this machine', () => {
      throw new Error(cannotRunMessage(p, blockers));
    });
  });
}
