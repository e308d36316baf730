/** Names of the IOS-XE objects tunnelsmith creates for one site. Pure. */
import { objectNameStem } from '../kit/objectNameStem';


/** Longest name IOS-XE objects get from us; every name below stays within it. */
export const MAX_OBJECT_NAME = 32;

export interface CiscoObjectNames {
  ikeProposal(index: number, count: number): string;
  ikePolicy: string;
  keyring: string;
  keyringPeer(tunnelNumber: number): string;
  ikeProfile: string;
  transformSet(index: number, count: number): string;
  ipsecProfile: string;
  outsideAcl: string;
  prefixListFromAzure: string;
  prefixListToAzure: string;
  routeMapFromAzure: string;
  routeMapToAzure: string;
}

/** Every object name for a site; numbered only when Azure's default proposals give several. */
export function ciscoObjectNames(siteName: string): CiscoObjectNames {
  const s = objectNameStem(siteName);
  const numbered = (base: string, index: number, count: number): string => (count > 1 ? `${base}-${index + 1}` : base);
  return {
    ikeProposal: (i, n) => numbered(`${s}-ike`, i, n),
    ikePolicy: `${s}-ike-policy`,
    keyring: `${s}-keyring`,
    keyringPeer: (n) => `azure-instance-${n}`,
    ikeProfile: `${s}-ikev2-profile`,
    transformSet: (i, n) => numbered(`${s}-esp`, i, n),
    ipsecProfile: `${s}-ipsec-profile`,
    outsideAcl: `${s}-outside-in`,
    prefixListFromAzure: `${s}-from-azure`,
    prefixListToAzure: `${s}-to-azure`,
    routeMapFromAzure: `${s}-rm-from-azure`,
    routeMapToAzure: `${s}-rm-to-azure`,
  };
}
