/** The paloalto device: PAN-OS 10.1+ route-based IPsec (tunnel interfaces) with IKEv2, optional eBGP, as `set` commands. */
import type { Problem } from '../../errors';
import type { DeviceDefinition, SiteContext } from '../kit/contract';
import { checkProposalsAgainst } from '../kit/proposalCheck';
import { PANOS_KEYWORDS, panosPolicyWords } from './keywords';
import { PALOALTO_OPTIONS } from './options';
import { panosProcedure } from './procedure';
import { buildPanosView } from './view';

/** Characters PAN-OS cannot carry safely in `pre-shared-key key "..."` (azure-facts.md section 3). */
export const PANOS_UNSAFE_KEY_CHARS: readonly string[] = ['"', '\\', "'", '?', ';'];

/** Combinations of options PAN-OS cannot carry (each option alone is checked by its spec). */
export function checkPaloaltoSite(ctx: SiteContext): Problem[] {
  const problems: Problem[] = [];
  const { outsideZone, insideZone, vpnZone } = ctx.options;
  if (vpnZone === outsideZone || vpnZone === insideZone) {
    problems.push({
      path: 'deviceOptions.vpnZone',
      severity: 'error',
      message: `the tunnel zone "${String(vpnZone)}" must differ from outsideZone and insideZone`,
      fix: 'choose another zone name for vpnZone (default azure-vpn)',
    });
  }
  if (outsideZone === insideZone) {
    problems.push({ path: 'deviceOptions.insideZone', severity: 'error', message: 'insideZone and outsideZone must differ', fix: 'name the zone of the on-premises networks in insideZone' });
  }
  return problems;
}

export const paloalto: DeviceDefinition = {
  id: 'paloalto',
  displayName: 'Palo Alto Networks (PAN-OS)',
  targets: 'PAN-OS 10.1 and later on PA-Series and VM-Series firewalls, route-based IPsec (tunnel interfaces) with IKEv2, legacy virtual router',
  options: PALOALTO_OPTIONS,
  unsafeKeyChars: PANOS_UNSAFE_KEY_CHARS,
  keywords: PANOS_KEYWORDS,
  checkProposals: (proposals) => checkProposalsAgainst(PANOS_KEYWORDS, proposals),
  policyWords: panosPolicyWords,
  checkSite: checkPaloaltoSite,
  buildView(ctx) {
    return buildPanosView(ctx, paloalto);
  },
  files() {
    return [{ template: 'azure-vpn.set.njk', output: 'azure-vpn.set', holdsSecret: true }];
  },
  procedure: panosProcedure,
};
