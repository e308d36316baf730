/**
 * The action of one planned resource in a deploy: write its change (create or update), or wait for a
 * resource Azure still has busy and compare it again (the write itself: resourceWrite.ts).
 */
import type { ConnectionSecrets } from '../client/api';
import { isBusy } from '../client/model';
import type { PlannedResource } from '../resources/contract';
import { describeResource, readResource } from '../resources/table';
import { circuitReady } from './circuitStep';
import { replaceResource } from './replaceStep';
import { diffResource, throwConflicts, type Change } from './diff';
import { RESUME_HINT, type DeployRun } from './run';
import { pollUntil, stillInProgress } from './waiting';
import { inConnectionQueue, isGateway, writeWaitingOutConflicts } from './resourceWrite';

/** Brings one resource to its planned state; `skipped` when it must wait for a later run (the provider's circuit). */
export async function applyResource(run: DeployRun, planned: PlannedResource, change: Change, secrets: ConnectionSecrets | undefined): Promise<'done' | 'skipped'> {
  const id = planned.key;
  if (change.action === 'wait') {
    run.event({ type: 'start', id, what: `wait for ${describeResource(planned)} (${change.state} in Azure)`, kind: 'wait' });
    // A connection Azure is still writing holds its gateway's queue: a sibling written now would get 409.
    return inConnectionQueue(run, planned, async (): Promise<'done' | 'skipped'> => {
      let current: unknown;
      try {
        await run.beforeLongWait();
        current = await waitWhileBusy(run, planned);
      } catch (e) {
        run.endFailed(id, e);
        throw e;
      }
      run.actual[id] = current;
      const again = diffResource(planned, current, { actual: run.actual, plan: run.plan, gatewaysExist: run.gatewaysExist() });
      if ('conflicts' in again) {
        throwConflicts(again.conflicts);
        return 'done';
      }
      if (again.action === 'noop') {
        run.event({ type: 'end', id, outcome: 'unchanged', detail: current === undefined ? 'gone' : 'in place' });
        return 'done';
      }
      if (again.action === 'create' && planned.kind === 'ipsecConnection' && !secrets?.sharedKey) {
        // It disappeared while we waited (a create that failed and was cleaned up): create it now,
        // with the key prepared for it.
        const { site, path } = run.site(planned.site);
        secrets = { sharedKey: await run.deps.keys.keyForNewConnection(site, path) };
      }
      return write(run, planned, again, secrets, true);
    });
  }
  if (change.action === 'replace') return replaceResource(run, planned, change);
  return write(run, planned, change, secrets, false);
}

/** Creates or updates the resource (a connection in its gateway's queue). */
async function write(run: DeployRun, planned: PlannedResource, change: Change, secrets: ConnectionSecrets | undefined, queued: boolean): Promise<'done' | 'skipped'> {
  const id = planned.key;
  if (planned.kind === 'erConnection' && change.action === 'create') {
    await run.circuitTask;
    const ready = await circuitReady(run, planned);
    if (!ready) return 'skipped';
  }
  const verb = change.action === 'create' ? 'create' : 'update';
  const what = `${verb} ${describeResource(planned)}${change.fields.length ? ` (${change.fields.join('; ')})` : ''}`;
  run.event({ type: 'start', id, what, kind: verb });
  const put = async (): Promise<'done'> => {
    try {
      if (isGateway(planned)) {
        await run.beforeLongWait();
        run.actual[id] = await run.writeGateway(id, () => writeWaitingOutConflicts(run, change.resource, secrets));
      } else {
        run.actual[id] = await writeWaitingOutConflicts(run, change.resource, secrets);
      }
    } catch (e) {
      run.endFailed(id, e);
      throw e;
    }
    if (planned.kind === 'ipsecConnection') await run.deps.keys.confirmConnection(run.site(planned.site).site);
    run.event({ type: 'end', id, outcome: 'done' });
    return 'done';
  };
  return queued ? put() : inConnectionQueue(run, planned, put);
}

type Settling = { provisioningState?: string } | undefined;

/** Polls the resource until it is no longer busy; resolves what it is then (undefined if gone). */
function waitWhileBusy(run: DeployRun, r: PlannedResource): Promise<unknown> {
  let last = '';
  const stateOf = (x: Settling) => x?.provisioningState ?? 'gone';
  return pollUntil<Settling>(run.wait, {
    read: () => readResource(run.api, run.plan.resourceGroup, r, { signal: run.signal }),
    done: (x) => !x || !isBusy(x.provisioningState),
    onValue: (x) => {
      if (stateOf(x) !== last) run.event({ type: 'state', id: r.key, state: stateOf(x) });
      last = stateOf(x);
    },
    timedOut: (x) => {
      throw stillInProgress(`${describeResource(r)} is still ${stateOf(x)} after ${Math.round(run.wait.timeoutMs / 1000)} s`, r.field, RESUME_HINT);
    },
  });
}
