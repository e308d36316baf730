/** The Windows Server RRAS device: one PowerShell script, tunnelsmith-azure.ps1. */
import type { Problem } from '../../errors';
import type { DeviceDefinition, DeviceFileSpec, SiteContext } from '../kit/contract';
import { checkProposalsAgainst } from '../kit/proposalCheck';
import { RRAS_KEYWORDS, rrasPolicyWords } from './keywords';
import { RRAS_OPTIONS } from './options';
import { rrasProcedure } from './procedure';
import { buildRrasView } from './view';

/**
 * Re-checks the options the context carries, so no value reaches the script unchecked, and warns that
 * RRAS behind NAT cannot keep its public IP as IKE identity (it has no setting for it). Pure.
 */
export function checkRrasSite(ctx: SiteContext): Problem[] {
  const problems: Problem[] = [];
  for (const [key, spec] of Object.entries(RRAS_OPTIONS)) {
    const message = spec.check(ctx.options[key]);
    if (message) problems.push({ path: `deviceOptions.${key}`, severity: 'error', message, fix: `remove it to use the default ${JSON.stringify(spec.default)}` });
  }
  if (ctx.outsideAddress) {
    problems.push({
      path: 'deviceOptions.outsideAddress',
      severity: 'warning',
      message: `Windows RRAS has no setting for its IKE identity: behind NAT it presents ${ctx.outsideAddress}, not the site's public IP ${ctx.site.publicIp}`,
      fix: 'if Azure refuses the identity, give the RRAS server the public address itself or use a device that sets its identity (strongswan, cisco-ios, juniper-srx)',
    });
  }
  return problems;
}

export const windowsRras: DeviceDefinition = {
  id: 'windows-rras',
  displayName: 'Windows Server RRAS',
  targets: 'Windows Server 2016+ (RemoteAccess and NetSecurity PowerShell modules, Windows PowerShell 5.1)',
  options: RRAS_OPTIONS,
  unsafeKeyChars: ["'", '"', '`', '$'],
  keywords: RRAS_KEYWORDS,
  checkProposals: (proposals) => checkProposalsAgainst(RRAS_KEYWORDS, proposals),
  policyWords: rrasPolicyWords,
  checkSite: checkRrasSite,
  buildView(ctx) {
    return buildRrasView(ctx, windowsRras);
  },
  files(): DeviceFileSpec[] {
    return [{ template: 'tunnelsmith-azure.ps1.njk', output: 'tunnelsmith-azure.ps1', holdsSecret: true }];
  },
  procedure: rrasProcedure,
};
