/**
 * One write of a planned resource: in its gateway's connection queue when it is a connection, and a
 * write that Azure refuses with `409 AnotherOperationInProgress` waits until the resource and the hub's
 * gateways are quiet, then goes again; one whose operation failed for a passing reason is tried again
 * twice. Shared by the resource step and the replacement step.
 */
import type { AzureError } from '../../errors';
import type { ConnectionSecrets } from '../client/api';
import { isTransientOperationFailure, withHubField } from '../client/errors';
import { isBusy } from '../client/model';
import type { PlannedResource } from '../resources/contract';
import { describeResource, readResource, writeResource } from '../resources/table';
import { RESUME_HINT, type DeployRun } from './run';
import { pollUntil, retryWhileBusy, stillInProgress, waitPolicy, type WaitPolicy } from './waiting';

/** A write whose Azure operation failed transiently is tried this many more times. */
const MAX_OPERATION_RETRIES = 2;

type Settling = { provisioningState?: string } | undefined;

/** The plan key of the gateway a connection belongs to; undefined for anything else. */
export function gatewayOfConnection(planned: PlannedResource): string | undefined {
  if (planned.kind !== 'ipsecConnection' && planned.kind !== 'erConnection') return undefined;
  return planned.dependsOn.find((k) => k.startsWith('vpnGateway:') || k.startsWith('erGateway:'));
}

/**
 * Runs `task` in the queue of the connection's gateway (Azure serialises a gateway's connection
 * writes: another one at the same time would be refused with 409); anything else runs at once.
 */
export function inConnectionQueue<T>(run: DeployRun, planned: PlannedResource, task: () => Promise<T>): Promise<T> {
  const gateway = gatewayOfConnection(planned);
  if (!gateway) return task();
  const name = gateway.slice(gateway.indexOf(':') + 1);
  return run.connectionWrites.run(gateway, task, () => run.event({ type: 'state', id: planned.key, state: `queued: Azure writes the connections of gateway ${name} one at a time` }));
}

/** PUTs a resource; a 409 AnotherOperationInProgress is waited out and the PUT retried. */
export async function writeWaitingOutConflicts(run: DeployRun, r: PlannedResource, secrets: ConnectionSecrets | undefined): Promise<unknown> {
  let failedOperations = 0;
  const out = await retryWhileBusy(run.wait, () => writeResource(run.api, run.plan.resourceGroup, r, secrets ?? {}, { signal: run.signal }), {
    onOtherFailure: async (e) => {
      if (!isTransientOperationFailure(e) || failedOperations >= MAX_OPERATION_RETRIES) throw withHubField(e, r.field);
      failedOperations++;
      run.event({ type: 'state', id: r.key, state: `operation failed in Azure (${(e as AzureError).details.azureCode}); retrying` });
      await run.wait.sleep();
    },
    onBusy: () => {
      const others = isGateway(r) ? run.otherGatewaysWriting(r.key) : [];
      if (others.length === 0) {
        run.event({ type: 'state', id: r.key, state: 'waiting: another operation is in progress' });
        return;
      }
      // Azure refused this gateway while the run builds another one in the VNet: here it builds them one at
      // a time. This one waits for the other, and the run remembers it.
      const names = others.map((k) => describeResource(run.plan.resources.find((x) => x.key === k)!)).join(', ');
      if (!run.gatewaysOneAtATime) {
        run.gatewaysOneAtATime = true;
        run.event({ type: 'note', level: 'info', message: `Azure builds these one at a time here: it refused ${describeResource(r)} while ${names} is being built (409 AnotherOperationInProgress); ${describeResource(r)} is created once that one is done, and this run writes gateways one after the other from now on` });
      }
      run.event({ type: 'state', id: r.key, state: `Azure builds these one at a time here: waiting for ${names}` });
    },
    waitOut: () => (isGateway(r) && run.otherGatewaysWriting(r.key).length > 0 ? waitForOtherGateways(run, r) : waitForQuiet(run, r, run.wait)),
    onRetry: () => run.event({ type: 'state', id: r.key, state: 'retrying' }),
    timedOut: () => stillInProgress(`${describeResource(r)}: another operation kept the gateway busy for longer than ${Math.round(run.wait.timeoutMs / 1000)} s`, r.field, RESUME_HINT),
  });
  run.writes++;
  return out;
}

export function isGateway(r: PlannedResource): boolean {
  return r.kind === 'vpnGateway' || r.kind === 'erGateway';
}

/**
 * A gateway refused while the run builds another: go again as soon as the other's write has ended (the
 * run knows when), or once Azure shows no gateway of the hub busy (someone else's operation), whichever
 * comes first.
 */
async function waitForOtherGateways(run: DeployRun, r: PlannedResource): Promise<void> {
  const stop = new AbortController();
  const onAbort = () => stop.abort(run.signal.reason);
  run.signal.addEventListener('abort', onAbort, { once: true });
  const polled = waitForQuiet(run, r, waitPolicy({ ...run.deps, signal: stop.signal }));
  try {
    await Promise.race([run.otherGatewayWrites(r.key), polled]);
  } finally {
    stop.abort();
    run.signal.removeEventListener('abort', onAbort);
    // The poll ends with the abort (its sleep rejects): never left behind, nor a rejection unhandled.
    await polled.catch(() => undefined);
  }
  if (run.signal.aborted) throw run.signal.reason instanceof Error ? run.signal.reason : new Error('The operation was aborted');
}

/** After a 409: wait until neither the resource, any gateway of the hub, nor (a connection) a sibling connection is busy. */
async function waitForQuiet(run: DeployRun, r: PlannedResource, wait: WaitPolicy): Promise<void> {
  const gateway = gatewayOfConnection(r);
  const watch = run.plan.resources.filter((x) => x.key === r.key || x.kind === 'vpnGateway' || x.kind === 'erGateway' || (gateway !== undefined && gatewayOfConnection(x) === gateway));
  await wait.sleep();
  await pollUntil<Settling[]>(wait, {
    read: () => Promise.all(watch.map((x) => readResource(run.api, run.plan.resourceGroup, x, { signal: run.signal }))),
    done: (states) => !states.some((s) => isBusy(s?.provisioningState)),
    timeoutMs: Infinity,
    timedOut: (states) => states,
  });
}
