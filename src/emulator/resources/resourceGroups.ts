/** Resource groups (Microsoft.Resources): PUT synchronous, DELETE long-running (Location), HEAD for existence. */
import type { EmulatorContext } from '../context';
import { ArmError, asObject, type HandlerResult } from '../http';
import { normalizeLocation, rgId } from '../ids';
import type { ResourceGroupRecord } from '../state';
import { conflict, isBusy, pagedList } from './generic';

function view(rec: ResourceGroupRecord): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: rec.id,
    name: rec.name,
    type: 'Microsoft.Resources/resourceGroups',
    location: rec.location,
    properties: { provisioningState: rec.deleting ? 'Deleting' : 'Succeeded' },
  };
  if (rec.tags) body.tags = rec.tags;
  return body;
}

function checkName(name: string): void {
  if (!/^[-\w._()]{1,90}$/u.test(name) || name.endsWith('.')) {
    throw new ArmError(
      400,
      'InvalidResourceGroupName',
      `Resource group name '${name}' is invalid: use 1-90 letters, digits, underscores, hyphens, periods and parentheses, not ending in a period.`,
    );
  }
}

export function putResourceGroup(ctx: EmulatorContext, sub: string, name: string, rawBody: unknown): HandlerResult {
  checkName(name);
  const body = asObject(rawBody, 'the body');
  const existing = ctx.store.getRg(sub, name);
  if (existing?.deleting) {
    throw new ArmError(409, 'ResourceGroupBeingDeleted', `The resource group '${existing.name}' is in deprovisioning state and cannot perform this operation.`);
  }
  const location = normalizeLocation(body.location);
  if (!location) throw new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
  if (existing && existing.location !== location && !existing.implicit) {
    throw new ArmError(
      409,
      'InvalidResourceGroupLocation',
      `Invalid resource group location '${location}'. The Resource group already exists in location '${existing.location}'.`,
    );
  }
  const rec: ResourceGroupRecord = {
    id: existing?.id ?? rgId(sub, name),
    name: existing?.name ?? name,
    sub,
    location,
    tags: body.tags && typeof body.tags === 'object' ? body.tags : undefined,
  };
  ctx.store.putRg(rec);
  return { status: existing ? 200 : 201, body: view(rec) };
}

export function getResourceGroup(ctx: EmulatorContext, sub: string, name: string): HandlerResult {
  const rec = ctx.store.getRg(sub, name);
  if (!rec) throw new ArmError(404, 'ResourceGroupNotFound', `Resource group '${name}' could not be found.`);
  return { status: 200, body: view(rec) };
}

export function headResourceGroup(ctx: EmulatorContext, sub: string, name: string): HandlerResult {
  return { status: ctx.store.getRg(sub, name) ? 204 : 404 };
}

export function listResourceGroups(ctx: EmulatorContext, sub: string, path: string, query: URLSearchParams): HandlerResult {
  return pagedList(ctx, path, query, ctx.store.listRgs(sub).map(view));
}

export function deleteResourceGroup(ctx: EmulatorContext, sub: string, name: string, method: string, path: string): HandlerResult {
  const rec = ctx.store.getRg(sub, name);
  if (!rec) throw new ArmError(404, 'ResourceGroupNotFound', `Resource group '${name}' could not be found.`);
  const prefix = rec.id.toLowerCase() + '/';
  const busy = ctx.store.all().find((r) => r.key.startsWith(prefix) && isBusy(r));
  if (busy) throw conflict(ctx, busy);
  rec.deleting = true;
  ctx.store.markDirty();
  const op = ctx.lro.start({
    sub,
    location: rec.location,
    durationMs: ctx.settings.durations.defaultMs,
    fail: ctx.faults.takeOperationFailure(method, path),
    complete: () => {
      ctx.store.deleteRg(rec);
      return { status: 200 };
    },
    failed: () => {
      rec.deleting = false;
      ctx.store.markDirty();
    },
  });
  return { status: 202, headers: ctx.lro.acceptedHeaders(op) };
}
