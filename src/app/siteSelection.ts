/**
 * `--site`, checked in one place for every command that takes it (render, bundle, rotate-key), right
 * after the hub file is read and before anything is locked, asked of Azure or written: a name that is
 * not one of the hub file's sites is a usage error (exit 2), like any flag value that names nothing.
 */
import { UsageError } from '../errors';
import type { Hub } from '../hub/types';

/** Throws UsageError `UnknownSite` naming every unknown name and the hub file's sites. */
export function checkSiteNames(hub: Pick<Hub, 'sites'>, names: readonly string[], shownFile: string): void {
  const known = hub.sites.map((s) => s.name);
  const unknown = [...new Set(names.filter((n) => !known.includes(n)))];
  if (unknown.length === 0) return;
  const quoted = unknown.map((n) => JSON.stringify(n)).join(', ');
  throw new UsageError(
    'UnknownSite',
    `${unknown.length === 1 ? 'no site named' : 'no sites named'} ${quoted} in ${shownFile}`,
    known.length > 0 ? `use one of: ${known.join(', ')}` : `${shownFile} has no sites yet`,
  );
}
