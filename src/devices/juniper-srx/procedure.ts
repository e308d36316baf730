/** Applying, verifying and rolling back the Junos `set` file (the handoff README's juniper-srx steps). Pure. */
import { codeList, type DeviceProcedure, type ProcedureInput } from '../kit/procedure';

/**
 * The one way tunnelsmith tells how to commit on an SRX (file header, bundle README, project README):
 * `commit confirmed` activates the candidate and rolls it back unless a second `commit` follows within
 * the window (default 10 minutes; Junos XML/NETCONF "committing with confirmation").
 */
export const JUNOS_COMMIT_STEPS = '`commit check`, then `commit confirmed 10` (Junos rolls back by itself after 10 minutes unless you confirm), and once the tunnels are up, `commit` to confirm';
/** The same steps in a comment line, quotes instead of backticks. */
export const JUNOS_COMMIT_STEPS_PLAIN = JUNOS_COMMIT_STEPS.replace(/`/g, '"');

export function junosProcedure(i: ProcedureInput): DeviceProcedure {
  return {
    before: ['Junos keeps earlier commits: note the current one with `show system commit`.'],
    apply: [
      `Copy ${codeList(i.files)} to the SRX (for example to \`/var/tmp/\`).`,
      'In `configure` mode load it: `load set /var/tmp/<file>` (the file holds `set` commands), then `show | compare` to review.',
      `${JUNOS_COMMIT_STEPS}.`,
    ],
    verify: [
      '`show security ike security-associations` lists one IKE SA per Azure instance, state UP.',
      '`show security ipsec security-associations` lists one IPsec SA per st0 unit.',
      '`show interfaces st0 terse` shows the st0 units up.',
      ...(i.bgp ? ['`show bgp summary` shows each Azure neighbor Established.'] : ['`show route` holds the static routes to the Azure VNet prefixes via st0.']),
    ],
    rollback: ['In `configure` mode: `rollback 1`, then `commit` (or let `commit confirmed` expire).'],
  };
}
