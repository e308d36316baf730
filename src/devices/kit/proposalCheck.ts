/**
 * The one proposal check every device uses: reads Azure's proposals against the device's keyword table
 * and reports every value or lifetime the device cannot carry. Pure.
 */
import { uniqueProblems, type Problem } from '../../errors';
import type { Proposals } from '../../policy/catalog';
import { carriedProposals, readKeyword, type FieldKeywords, type ProposalKeywords } from './keywordTable';

/**
 * Every proposal value or lifetime the device cannot express, as errors with paths `ipsecPolicy.<field>`,
 * in proposal order (each IKE proposal, each ESP proposal, PFS, lifetimes). A refusal repeated by several
 * of Azure's default proposals is reported once. Never clamps.
 */
export function checkProposalsAgainst(table: ProposalKeywords, p: Proposals): Problem[] {
  const problems: Problem[] = [];
  /** Reports the value when the device cannot carry it; true when it can. */
  const judge = (field: string, keywords: FieldKeywords, value: string): boolean => {
    const read = readKeyword(keywords, value);
    if ('keyword' in read) return true;
    problems.push({ path: `ipsecPolicy.${field}`, severity: 'error', message: read.refusal.message, fix: read.refusal.fix });
    return false;
  };
  const { ike, esp } = carriedProposals(table, p);
  for (const proposal of ike) {
    judge('ikeEncryption', table.ikeEncryption, proposal.encryption);
    const integrity = table.ikeIntegrity(proposal.encryption);
    if (integrity) judge('ikeIntegrity', integrity, proposal.integrity);
    judge('dhGroup', table.dhGroup, proposal.dhGroup);
  }
  for (const proposal of esp) {
    if (judge('ipsecEncryption', table.ipsecEncryption, proposal.encryption)) {
      judge('ipsecIntegrity', table.ipsecIntegrity(proposal.encryption), proposal.integrity);
    }
  }
  judge('pfsGroup', table.pfsGroup, p.pfsGroup);
  for (const { field, message, fix } of table.lifetimes(p)) {
    problems.push({ path: `ipsecPolicy.${field}`, severity: 'error', message, fix });
  }
  return uniqueProblems(problems);
}
