/**
 * The strongSwan + FRR device: swanctl.conf, tunnel-setup.sh, charon's retransmission timers
 * (strongswan.d/tunnelsmith.conf) and, with BGP, frr.conf.
 */
import type { Problem } from '../../errors';
import type { DeviceDefinition, DeviceFileSpec, SiteContext } from '../kit/contract';
import { checkProposalsAgainst } from '../kit/proposalCheck';
import { STRONGSWAN_KEYWORDS, strongswanPolicyWords } from './keywords';
import { STRONGSWAN_OPTIONS } from './options';
import { strongswanProcedure } from './procedure';
import { buildStrongswanView } from './view';

/**
 * Re-checks the options the context carries (defaults overlaid with the site's deviceOptions), so no
 * value reaches a template unchecked. The gateway instance count (one digit of tunnel number follows
 * the interface prefix) is checked for every device by `buildSiteContext`. Pure.
 */
export function checkStrongswanSite(ctx: SiteContext): Problem[] {
  const problems: Problem[] = [];
  for (const [key, spec] of Object.entries(STRONGSWAN_OPTIONS)) {
    const message = spec.check(ctx.options[key]);
    if (message) problems.push({ path: `deviceOptions.${key}`, severity: 'error', message, fix: `remove it to use the default ${JSON.stringify(spec.default)}` });
  }
  return problems;
}

/** charon's retransmission timers, installed as `/etc/strongswan.d/tunnelsmith.conf`. */
export const STRONGSWAN_TIMERS_FILE = 'strongswan.d/tunnelsmith.conf';

export const strongswan: DeviceDefinition = {
  id: 'strongswan',
  displayName: 'strongSwan + FRR',
  targets: 'strongSwan 5.9+ (swanctl), FRR 8+, Linux 5.x with XFRM interfaces',
  options: STRONGSWAN_OPTIONS,
  unsafeKeyChars: ['"', '\\'],
  keywords: STRONGSWAN_KEYWORDS,
  checkProposals: (proposals) => checkProposalsAgainst(STRONGSWAN_KEYWORDS, proposals),
  policyWords: strongswanPolicyWords,
  checkSite: checkStrongswanSite,
  buildView(ctx) {
    return buildStrongswanView(ctx, strongswan);
  },
  files(ctx): DeviceFileSpec[] {
    const files: DeviceFileSpec[] = [
      { template: 'swanctl.conf.njk', output: 'swanctl.conf', holdsSecret: true },
      { template: 'tunnel-setup.sh.njk', output: 'tunnel-setup.sh', holdsSecret: false, executable: true },
      { template: 'charon-timers.conf.njk', output: STRONGSWAN_TIMERS_FILE, holdsSecret: false },
    ];
    if (ctx.bgp) files.push({ template: 'frr.conf.njk', output: 'frr.conf', holdsSecret: false });
    return files;
  },
  procedure: strongswanProcedure,
};
