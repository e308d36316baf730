/** The fortigate device: FortiOS 7.0+ route-based IPsec (phase1-interface) with IKEv2, optional eBGP, as CLI commands. */
import type { Problem } from '../../errors';
import type { DeviceDefinition, SiteContext } from '../kit/contract';
import { checkProposalsAgainst } from '../kit/proposalCheck';
import { FORTIOS_KEYWORDS, fortiosPolicyWords } from './keywords';
import { fortiosObjectNames } from './objectNames';
import { FORTIGATE_OPTIONS } from './options';
import { fortiosProcedure } from './procedure';
import { buildFortiosView } from './view';

/** Characters FortiOS cannot carry safely in `set psksecret "..."` (azure-facts.md section 3). */
export const FORTIOS_UNSAFE_KEY_CHARS: readonly string[] = ['"', '\\', "'", '?', ';'];

/**
 * What FortiOS cannot carry beyond the proposal: interface names that collide, and a key FortiOS would read
 * as hexadecimal (psksecret is "ASCII string or hexadecimal encoded with a leading 0x", FortiOS CLI Reference).
 */
export function checkFortigateSite(ctx: SiteContext): Problem[] {
  const problems: Problem[] = [];
  const { outsideInterface, insideInterface, loopbackInterface } = ctx.options;
  if (insideInterface === outsideInterface) {
    problems.push({ path: 'deviceOptions.insideInterface', severity: 'error', message: 'insideInterface and outsideInterface must differ', fix: 'name the interface (or zone) of the on-premises networks in insideInterface' });
  }
  if (ctx.bgp) {
    const tunnels = ctx.tunnels.map((t) => fortiosObjectNames(ctx.site.name).tunnel(t.number));
    if (loopbackInterface === outsideInterface || loopbackInterface === insideInterface || tunnels.includes(String(loopbackInterface))) {
      problems.push({ path: 'deviceOptions.loopbackInterface', severity: 'error', message: `the BGP loopback "${String(loopbackInterface)}" must be an interface of its own`, fix: 'choose a free interface name such as azure-bgp (at most 15 characters)' });
    }
  }
  if (!ctx.keyRedacted && /^0x/i.test(ctx.sharedKey)) {
    problems.push({ path: 'sharedKey', severity: 'error', message: 'the shared key starts with "0x", which FortiOS reads as a hexadecimal key', fix: 'rotate to a key of letters and digits that does not start with 0x (tunnelsmith rotate-key prepare)' });
  }
  return problems;
}

export const fortigate: DeviceDefinition = {
  id: 'fortigate',
  displayName: 'FortiGate (FortiOS)',
  targets: 'FortiOS 7.0 and later on FortiGate appliances and VMs, route-based IPsec (phase1-interface) with IKEv2',
  options: FORTIGATE_OPTIONS,
  unsafeKeyChars: FORTIOS_UNSAFE_KEY_CHARS,
  keywords: FORTIOS_KEYWORDS,
  checkProposals: (proposals) => checkProposalsAgainst(FORTIOS_KEYWORDS, proposals),
  policyWords: fortiosPolicyWords,
  checkSite: checkFortigateSite,
  buildView(ctx) {
    return buildFortiosView(ctx, fortigate);
  },
  files() {
    return [{ template: 'azure-vpn.conf.njk', output: 'azure-vpn.conf', holdsSecret: true }];
  },
  procedure: fortiosProcedure,
};
