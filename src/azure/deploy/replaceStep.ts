/**
 * Replacements (`deploy --allow-recreate`, confirmed): what Azure cannot change in place is deleted and
 * created again.
 * - A site's connection whose protocol must change (IKEv1 <-> IKEv2): the key Azure holds for it is read
 *   and written to the key journal first, then the connection is deleted and created with that same key,
 *   so the device keeps working once the tunnel is back. A run killed between the delete and the create
 *   finds the key in the journal and creates the connection with it.
 * - An ExpressRoute gateway whose SKU goes down: its connections are deleted, then the gateway, then it is
 *   created again on the same public IP; its connection steps create them again afterwards.
 */
import { AzureError } from '../../errors';
import type { PlannedResource } from '../resources/contract';
import { describeResource } from '../resources/table';
import { deleteWhileBusy } from './destroy';
import type { Change } from './diff';
import { inConnectionQueue, writeWaitingOutConflicts } from './resourceWrite';
import type { DeployRun } from './run';

export async function replaceResource(run: DeployRun, planned: PlannedResource, change: Change): Promise<'done'> {
  const id = planned.key;
  run.event({ type: 'start', id, what: `replace ${describeResource(planned)} (${change.fields.join('; ')})`, kind: 'update' });
  try {
    await run.beforeLongWait();
    if (planned.kind === 'ipsecConnection') {
      await inConnectionQueue(run, planned, () => replaceConnection(run, planned, change));
    } else if (planned.kind === 'erGateway' || planned.kind === 'vpnGateway') {
      await run.writeGateway(planned.key, () => replaceGateway(run, planned, change));
    } else {
      throw new AzureError('ReplaceUnsupported', `${describeResource(planned)}: tunnelsmith does not replace this kind of resource`, { field: planned.field });
    }
  } catch (e) {
    run.endFailed(id, e);
    throw e;
  }
  run.event({ type: 'end', id, outcome: 'done', detail: 'deleted and created again' });
  return 'done';
}

async function replaceConnection(run: DeployRun, planned: PlannedResource & { kind: 'ipsecConnection' }, change: Change): Promise<void> {
  const rg = run.plan.resourceGroup;
  const o = { signal: run.signal };
  const { site } = run.site(planned.site);
  // The key the device has: read from Azure and journaled before anything is deleted.
  run.event({ type: 'state', id: planned.key, state: 'keeping the shared key Azure holds in the key journal' });
  const key = await run.api.getSharedKey(rg, planned.name, o);
  if (!run.deps.keys.keepForReplacement) {
    throw new AzureError('ReplaceUnsupported', `${planned.field}: connection ${planned.name} cannot be replaced without a key journal to keep its shared key in`, { field: planned.field });
  }
  await run.deps.keys.keepForReplacement(site, key);
  run.event({ type: 'state', id: planned.key, state: 'deleting (the tunnel drops until it is created again)' });
  await deleteOne(run, planned, 'connections');
  run.writes++;
  run.event({ type: 'state', id: planned.key, state: 'creating again with the same shared key' });
  run.actual[planned.key] = await writeWaitingOutConflicts(run, change.resource, { sharedKey: key });
  await run.deps.keys.confirmConnection(site);
}

async function replaceGateway(run: DeployRun, planned: PlannedResource & { kind: 'erGateway' | 'vpnGateway' }, change: Change): Promise<void> {
  // Its connections first (Azure refuses to delete a gateway that has any); they are created again by
  // their own steps, which wait for this one.
  const connections = run.plan.resources.filter((r) => (r.kind === 'erConnection' || r.kind === 'ipsecConnection') && r.dependsOn.includes(planned.key) && run.actual[r.key] !== undefined);
  for (const c of connections) {
    run.event({ type: 'state', id: planned.key, state: `deleting ${describeResource(c)} first` });
    await inConnectionQueue(run, c, () => deleteOne(run, c, 'connections'));
    run.actual[c.key] = undefined;
    run.writes++;
  }
  run.event({ type: 'state', id: planned.key, state: 'deleting the gateway (Azure takes about 45 minutes)' });
  await deleteOne(run, planned, 'virtualNetworkGateways');
  run.writes++;
  run.event({ type: 'state', id: planned.key, state: 'creating it again on its public IP' });
  run.actual[planned.key] = await writeWaitingOutConflicts(run, change.resource, undefined);
}

function deleteOne(run: DeployRun, r: PlannedResource, type: 'connections' | 'virtualNetworkGateways'): Promise<void> {
  return deleteWhileBusy(run.wait, () => run.api.deleteResource(run.plan.resourceGroup, type, r.name, { signal: run.signal }), () => run.event({ type: 'state', id: r.key, state: 'waiting: another operation is in progress' }));
}
