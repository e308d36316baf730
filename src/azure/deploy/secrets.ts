/**
 * Shared keys and other secrets of a deploy. Before anything is written: a key for every connection to
 * create (from the site's reference, else generated and journaled) and the circuit owner's authorization
 * key, so a missing reference stops the run first. After: existing connections' journal entries are
 * confirmed, and a reference that names another key than Azure holds is warned about (never changed).
 */
import type { ConnectionSecrets } from '../client/api';
import type { ConnectionModel } from '../client/model';
import { circuitIsSomeoneElses, requireCircuit } from './circuitStep';
import type { Change } from './diff';
import type { DeployRun } from './run';

/** The secrets each connection to create is sent with, by plan key. */
export async function prepareSecrets(run: DeployRun, changes: readonly Change[]): Promise<Map<string, ConnectionSecrets>> {
  const out = new Map<string, ConnectionSecrets>();
  for (const c of changes) {
    const r = c.resource;
    // A circuit id that names nothing fails the run before anything is written (a circuit
    // tunnelsmith creates itself is made in this run).
    if (r.kind === 'erConnection' && c.action === 'create' && !run.plan.circuit && !circuitIsSomeoneElses(run)) await requireCircuit(run, r);
    if (r.kind === 'ipsecConnection' && c.action === 'create') {
      const { site, path } = run.site(r.site);
      out.set(r.key, { sharedKey: await run.deps.keys.keyForNewConnection(site, path) });
    }
    if (r.kind === 'erConnection' && c.action === 'create') {
      const ref = run.deps.hub.azure.expressRoute?.authorizationKey;
      if (ref) out.set(r.key, { authorizationKey: await run.deps.resolveSecret(ref, 'azure.expressRoute.authorizationKey') });
    }
  }
  return out;
}

/**
 * Connections that are in place (`isDone`): confirm journal entries, and compare the hub's reference with
 * Azure's key (also for one just created or replaced with the key its device already had).
 */
export async function checkExistingKeys(run: DeployRun, changes: readonly Change[], isDone: (key: string) => boolean): Promise<void> {
  for (const c of changes) {
    const r = c.resource;
    if (r.kind !== 'ipsecConnection') continue;
    if (!isDone(r.key) || run.actual[r.key] === undefined) continue;
    const { site, path } = run.site(r.site);
    await run.deps.keys.confirmConnection(site);
    if (!site.sharedKey) continue;
    let referenced: string | undefined;
    try {
      referenced = await run.deps.keys.referencedKey(site, path);
    } catch (e) {
      run.warn(`${path}.sharedKey`, `could not resolve the reference to compare it with the key Azure holds for ${(run.actual[r.key] as ConnectionModel).name}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const azureKey = await run.api.getSharedKey(run.plan.resourceGroup, r.name, { signal: run.signal });
    if (referenced !== undefined && referenced !== azureKey) {
      run.warn(
        `${path}.sharedKey`,
        `the key this reference names differs from the key Azure holds for connection ${r.name}; Azure's key is the one in use and deploy never changes it`,
        'run tunnelsmith rotate-key to change the key, or point the reference at the key in use',
      );
    }
  }
}
