/**
 * Which shared key a bundle carries (hub-file.md, "Which shared key is the real one"). Live, Azure's key,
 * with a warning when the site's reference or the key journal disagrees. From a facts file (Azure is
 * not asked): the key journal's active key, else the facts file's key, else the site's reference; when
 * two of those that exist disagree, the bundle is not written and the problem names the stale one and
 * the fix. Pure: the caller reads the journal, the facts file and the reference.
 */
import type { Problem } from '../errors';

/** The journal's view of a connection's key. */
export interface JournalKey {
  /** The key Azure holds as last confirmed (`current`, state active). */
  key: string;
  /** ISO time it was recorded. */
  since: string;
  /** The rotation's state (`idle` when none ever ran). */
  rotationState: string;
}

export interface ReferencedKey {
  key: string;
  /** E.g. `environment variable HQ_PSK`. */
  label: string;
}

export interface KeyCandidates {
  site: string;
  /** Hub-file path of the site, e.g. `sites[0]`. */
  sitePath: string;
  journal?: JournalKey;
  facts?: string;
  reference?: ReferencedKey;
}

export type KeyChoice = { key?: string; source?: string; problems: Problem[] };

/** Rotation states in which Azure may hold either of the journal's keys. */
const IN_FLIGHT = new Set(['applying', 'rolling-back']);

/** `render --facts` / `bundle --facts`: journal, else facts, else reference; disagreement is an error. */
export function chooseFactsKey(c: KeyCandidates): KeyChoice {
  const where = `${c.sitePath}.sharedKey`;
  if (c.journal && IN_FLIGHT.has(c.journal.rotationState)) {
    return {
      problems: [{
        path: where,
        severity: 'error',
        message: `site ${c.site}: a key change is in progress (rotation state ${c.journal.rotationState}), so Azure may hold either key; nothing was written`,
        fix: `finish it (tunnelsmith rotate-key ${c.journal.rotationState === 'applying' ? 'apply' : 'rollback'} --site ${c.site}), or render without --facts to take the key Azure holds`,
      }],
    };
  }
  const problems: Problem[] = [];
  if (c.journal) {
    const since = `the key Azure holds as the key journal recorded it on ${c.journal.since}`;
    if (c.facts !== undefined && c.facts !== c.journal.key) {
      problems.push({
        path: where,
        severity: 'error',
        message: `site ${c.site}: the facts file's key is stale: it differs from ${since}; nothing was written`,
        fix: 'write the facts again (tunnelsmith facts --include-secrets --out FILE), or without keys (tunnelsmith facts --out FILE) so the journal\'s key is used',
      });
    }
    if (c.reference && c.reference.key !== c.journal.key) {
      problems.push({
        path: where,
        severity: 'error',
        message: `site ${c.site}: the key behind ${c.reference.label} is stale: it differs from ${since} (a rotation changed it); nothing was written`,
        fix: `put the key in use behind ${c.reference.label} (tunnelsmith rotate-key status --site ${c.site} --show-secret shows it), then render again`,
      });
    }
    return problems.length > 0 ? { problems } : { key: c.journal.key, source: 'the key journal', problems };
  }
  if (c.facts !== undefined) {
    if (c.reference && c.reference.key !== c.facts) {
      problems.push({
        path: where,
        severity: 'error',
        message: `site ${c.site}: the key behind ${c.reference.label} is stale: it differs from the key Azure held when the facts file was written; nothing was written`,
        fix: `put the key in use behind ${c.reference.label}; if the key changed since the facts were written, write them again (tunnelsmith facts --include-secrets --out FILE)`,
      });
      return { problems };
    }
    return { key: c.facts, source: 'the facts file', problems };
  }
  if (c.reference) return { key: c.reference.key, source: c.reference.label, problems };
  return { problems };
}

/** Live render: Azure's key; a warning for each source that disagrees with it (the bundle is written). */
export function compareLiveKey(c: KeyCandidates & { azure: string }): Problem[] {
  const where = `${c.sitePath}.sharedKey`;
  const problems: Problem[] = [];
  if (c.reference && c.reference.key !== c.azure) {
    problems.push({
      path: where,
      severity: 'warning',
      message: `site ${c.site}: the key behind ${c.reference.label} differs from the key Azure holds; the bundle carries Azure's key, the one in use`,
      fix: `put the key in use behind ${c.reference.label} (tunnelsmith rotate-key status --site ${c.site} --show-secret shows it), or change it with tunnelsmith rotate-key`,
    });
  }
  if (c.journal && !IN_FLIGHT.has(c.journal.rotationState) && c.journal.key !== c.azure) {
    problems.push({
      path: where,
      severity: 'warning',
      message: `site ${c.site}: the key journal's active key differs from the key Azure holds (changed outside tunnelsmith?); the bundle carries Azure's key`,
      fix: `run tunnelsmith rotate-key status --site ${c.site}; a rotation records Azure's key before replacing it`,
    });
  }
  return problems;
}
