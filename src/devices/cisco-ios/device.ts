/** The cisco-ios device: IOS-XE 16.x+ route-based VTI with IKEv2, optional eBGP. */
import type { Problem } from '../../errors';
import type { DeviceDefinition, SiteContext } from '../kit/contract';
import { checkProposalsAgainst } from '../kit/proposalCheck';
import { CISCO_KEYWORDS, ciscoPolicyWords } from './keywords';
import { CISCO_OPTIONS } from './options';
import { ciscoProcedure } from './procedure';
import { buildCiscoView } from './view';

/** Characters IOS-XE cannot carry safely in a PSK (azure-facts.md section 3): `?` opens CLI help, `"` quotes. */
export const CISCO_UNSAFE_KEY_CHARS: readonly string[] = ['?', '"'];

/**
 * Combinations of options IOS-XE cannot carry (each option alone is checked by its spec; `tunnelNumberBase`
 * stops one below the highest tunnel number, so both tunnels of an active-active gateway always fit).
 */
export function checkCiscoSite(ctx: SiteContext): Problem[] {
  const problems: Problem[] = [];
  if (ctx.bgp && ctx.options.loopbackInterface === ctx.options.outsideInterface) {
    problems.push({
      path: 'deviceOptions.loopbackInterface',
      severity: 'error',
      message: 'the BGP loopback cannot be the outside interface',
      fix: 'choose a free loopback such as Loopback10',
    });
  }
  return problems;
}

export const ciscoIos: DeviceDefinition = {
  id: 'cisco-ios',
  displayName: 'Cisco IOS-XE',
  targets: 'Cisco IOS-XE 16.x and later (CSR1000v, Catalyst 8000, ISR 4000/1000, ASR 1000), route-based VTI with IKEv2',
  options: CISCO_OPTIONS,
  unsafeKeyChars: CISCO_UNSAFE_KEY_CHARS,
  keywords: CISCO_KEYWORDS,
  checkProposals: (proposals) => checkProposalsAgainst(CISCO_KEYWORDS, proposals),
  policyWords: ciscoPolicyWords,
  checkSite: checkCiscoSite,
  buildView(ctx) {
    return buildCiscoView(ctx, ciscoIos);
  },
  files() {
    return [{ template: 'azure-vpn.cfg.njk', output: 'azure-vpn.cfg', holdsSecret: true }];
  },
  procedure: ciscoProcedure,
};
