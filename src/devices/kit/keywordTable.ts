/**
 * A device's keyword table: for each field of Azure's IPsec/IKE policy, every Azure value with the
 * device's keyword for it, or why the device cannot carry it. One engine (`proposalCheck.ts`) checks a
 * policy against the table; the device's view reads its keywords from the same table. Pure.
 */
import type { Proposals } from '../../policy/catalog';

/** What the user reads about a value the device cannot carry: the problem and the way out. */
export interface Wording {
  message: string;
  fix: string;
}

/** A value the device cannot carry, with the document or reference that says so. */
export interface Refusal extends Wording {
  source: string;
}

/** The device's keyword for an Azure value ('' where the device says it by leaving a statement out), or a refusal. */
export type Keyword = string | Refusal;

/** One policy field as the device reads it. */
export interface FieldKeywords {
  /** Azure value -> keyword or refusal, in the order the device lists them. */
  values: Readonly<Record<string, Keyword>>;
  /** The wording for a value the table does not list (a value Azure adds later, say). */
  unlisted(value: string): Wording;
}

/** A lifetime field and its wording, when its value is out of the device's range. */
export interface LifetimeRefusal extends Wording {
  field: 'saLifeTimeSeconds' | 'saDataSizeKilobytes' | 'ikeLifetimeSeconds';
}

/** Everything a device's proposal check reads: one table per policy field, and its lifetime limits. */
export interface ProposalKeywords {
  /**
   * `every proposal`: the device offers Azure's whole proposal list (Azure's default list has several);
   * `first proposal`: it holds one policy, so only the first IKE and the first ESP proposal count.
   */
  carries: 'every proposal' | 'first proposal';
  ikeEncryption: FieldKeywords;
  /**
   * Azure's ikeIntegrity as read with the proposal's ikeEncryption (with a GCM cipher it is the PRF only),
   * or undefined when the device does not judge it beside that encryption (the encryption is refused).
   */
  ikeIntegrity(encryption: string): FieldKeywords | undefined;
  dhGroup: FieldKeywords;
  ipsecEncryption: FieldKeywords;
  /** Azure's ipsecIntegrity as read with the proposal's ipsecEncryption; judged only when that encryption is carried. */
  ipsecIntegrity(encryption: string): FieldKeywords;
  pfsGroup: FieldKeywords;
  /** The lifetimes the device cannot carry (never clamped), in report order. */
  lifetimes(p: Proposals): LifetimeRefusal[];
}

/** The table's word for a value: its keyword, or what the user reads when the device cannot carry it. */
export function readKeyword(field: FieldKeywords, value: string): { keyword: string } | { refusal: Wording } {
  // own properties only: a value such as `constructor` is not in any table
  const entry = Object.hasOwn(field.values, value) ? field.values[value] : undefined;
  if (typeof entry === 'string') return { keyword: entry };
  return { refusal: entry ?? field.unlisted(value) };
}

/** The keyword of a value the proposal check accepted. Throws when the check did not run first. */
export function keywordOf(field: FieldKeywords, value: string): string {
  const read = readKeyword(field, value);
  if ('keyword' in read) return read.keyword;
  throw new Error(`unexpressible value ${value} reached a device view (checkProposals must run first)`);
}

/** The values the device carries (those with a keyword), in table order: for fixes that list them. */
export function carriedValues(field: Pick<FieldKeywords, 'values'>): string[] {
  return Object.entries(field.values).filter(([, k]) => typeof k === 'string').map(([v]) => v);
}

/** Whether the device carries the value (it has a keyword). */
export function carries(field: FieldKeywords, value: string): boolean {
  return 'keyword' in readKeyword(field, value);
}

/** The IKE and ESP proposals the device carries (see `ProposalKeywords.carries`). */
export function carriedProposals(table: Pick<ProposalKeywords, 'carries'>, p: Proposals): Pick<Proposals, 'ike' | 'esp'> {
  return table.carries === 'every proposal' ? { ike: p.ike, esp: p.esp } : { ike: p.ike.slice(0, 1), esp: p.esp.slice(0, 1) };
}

/**
 * Azure's pairing rule (azure-facts.md section 1): a GCM ipsecEncryption takes the identical value as
 * ipsecIntegrity, which needs no keyword of its own (`keyword` is usually ''); any other value gets `mismatch`.
 */
export function gcmIntegrity(encryption: string, keyword: string, mismatch: (integrity: string) => Wording): FieldKeywords {
  return { values: { [encryption]: keyword }, unlisted: mismatch };
}

/** A range a lifetime must stay in; `wholeNumber` also refuses fractions. */
export interface Limit {
  min: number;
  max: number;
}

/** True when the value is outside the range (or not a whole number, when one is required). */
export function outside(value: number, limit: Limit, wholeNumber: boolean): boolean {
  return (wholeNumber && !Number.isInteger(value)) || value < limit.min || value > limit.max;
}
