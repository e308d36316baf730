/** The juniper-srx device: Junos SRX route-based VPN (st0 units) with IKEv2, optional eBGP, as `set` commands. */
import type { Problem } from '../../errors';
import type { DeviceDefinition, SiteContext } from '../kit/contract';
import { checkProposalsAgainst } from '../kit/proposalCheck';
import { JUNOS_KEYWORDS, junosPolicyWords } from './keywords';
import { JUNOS_OPTIONS } from './options';
import { junosProcedure } from './procedure';
import { buildJunosView } from './view';

/** Characters Junos cannot carry safely in a quoted PSK (azure-facts.md section 3). */
export const JUNOS_UNSAFE_KEY_CHARS: readonly string[] = ['"', '\\'];

/**
 * Combinations of options the SRX cannot carry (each option alone is checked by its spec; `st0UnitBase` stops
 * one below the highest unit, so both tunnels of an active-active gateway always fit).
 */
export function checkJunosSite(ctx: SiteContext): Problem[] {
  const problems: Problem[] = [];
  const { untrustZone, trustZone, vpnZone } = ctx.options;
  if (vpnZone === untrustZone || vpnZone === trustZone) {
    problems.push({
      path: 'deviceOptions.vpnZone',
      severity: 'error',
      message: `the tunnel zone "${String(vpnZone)}" must differ from untrustZone and trustZone`,
      fix: 'choose another zone name for vpnZone (default azure-vpn)',
    });
  }
  if (untrustZone === trustZone) {
    problems.push({
      path: 'deviceOptions.trustZone',
      severity: 'error',
      message: 'trustZone and untrustZone must differ',
      fix: 'name the zone of the on-premises networks in trustZone',
    });
  }
  return problems;
}

export const juniperSrx: DeviceDefinition = {
  id: 'juniper-srx',
  displayName: 'Juniper SRX (Junos)',
  targets: 'Junos OS 15.1X49 and later on SRX Series / vSRX, route-based VPN (st0) with IKEv2',
  options: JUNOS_OPTIONS,
  unsafeKeyChars: JUNOS_UNSAFE_KEY_CHARS,
  keywords: JUNOS_KEYWORDS,
  checkProposals: (proposals) => checkProposalsAgainst(JUNOS_KEYWORDS, proposals),
  policyWords: junosPolicyWords,
  checkSite: checkJunosSite,
  buildView(ctx) {
    return buildJunosView(ctx, juniperSrx);
  },
  files() {
    return [{ template: 'azure-vpn.set.njk', output: 'azure-vpn.set', holdsSecret: true }];
  },
  procedure: junosProcedure,
};
