/** The PUT / GET / DELETE / LIST flow shared by every resource type, with ARM's 404/409 answers. */
import type { EmulatorContext } from '../context';
import { ArmError, type HandlerResult } from '../http';
import { keyOf, NETWORK_API_VERSION, newEtag, newGuid, normalizeLocation, parseResourceId } from '../ids';
import type { ResourceGroupRecord, ResourceRecord } from '../state';
import type { PutInput, ResourceKind } from './kind';

export const PAGE_SIZE = 50;

export function requireRg(ctx: EmulatorContext, sub: string, rg: string): ResourceGroupRecord {
  const rec = ctx.store.getRg(sub, rg);
  if (!rec) throw new ArmError(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`);
  return rec;
}

export function notFound(fullType: string, name: string, rg: string): ArmError {
  return new ArmError(
    404,
    'ResourceNotFound',
    `The Resource '${fullType}/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

export function isBusy(rec: ResourceRecord | undefined): boolean {
  return rec !== undefined && (rec.provisioningState === 'Updating' || rec.provisioningState === 'Deleting');
}

export function conflict(ctx: EmulatorContext, rec: ResourceRecord): ArmError {
  const op = rec.internal.operationId ? ctx.lro.get(rec.internal.operationId) : undefined;
  const where = op ? ` To retrieve status of the operation use uri: ${ctx.lro.asyncOperationUrl(op)}.` : '';
  return new ArmError(409, 'AnotherOperationInProgress', `Another operation on this or dependent resource is in progress.${where}`);
}

/** A fresh record for a PUT, keeping identity fields (guid, creation) of an existing one. */
export function newRecord(
  kind: ResourceKind,
  input: PutInput,
  fields: { props: Record<string, any>; sku?: Record<string, unknown>; zones?: string[]; location?: string },
): ResourceRecord {
  const location = normalizeLocation(input.body.location) || input.existing?.location || input.parent?.location || normalizeLocation(input.rgLocation);
  const tags = input.body.tags && typeof input.body.tags === 'object' ? (input.body.tags as Record<string, string>) : undefined;
  return {
    id: input.existing?.id ?? input.id,
    key: keyOf(input.id),
    name: input.existing?.name ?? input.name,
    type: kind.type,
    fullType: kind.fullType,
    sub: input.sub,
    rg: input.existing?.rg ?? input.rg,
    location: fields.location ?? location,
    parentKey: input.parent?.key,
    tags,
    sku: fields.sku,
    zones: fields.zones,
    etag: newEtag(),
    resourceGuid: input.existing?.resourceGuid ?? newGuid(),
    provisioningState: 'Updating',
    props: fields.props,
    secret: input.existing?.secret ? { ...input.existing.secret } : undefined,
    internal: { ...(input.existing?.internal ?? {}) },
    provisioned: input.existing?.provisioned ?? false,
  };
}

/** The common ARM envelope around a resource's properties. */
export function envelope(rec: ResourceRecord, properties: Record<string, any>): Record<string, any> {
  const body: Record<string, any> = { name: rec.name, id: rec.id, etag: rec.etag, type: rec.fullType };
  if (rec.parentKey === undefined) body.location = rec.location;
  if (rec.tags) body.tags = rec.tags;
  if (rec.sku) body.sku = rec.sku;
  if (rec.zones) body.zones = rec.zones;
  body.properties = { provisioningState: rec.provisioningState, resourceGuid: rec.resourceGuid, ...properties };
  return body;
}

/** Resolves a `{ id }` reference of a given type, or answers 400 InvalidResourceReference. */
export function resolveRef(
  ctx: EmulatorContext,
  ref: unknown,
  expected: { type: string; childType?: string },
  referencedBy: string,
  field: string,
): ResourceRecord {
  const id = ref && typeof ref === 'object' ? (ref as { id?: unknown }).id : undefined;
  if (typeof id !== 'string' || id === '') {
    throw new ArmError(400, 'InvalidRequestFormat', `Cannot parse the request: ${field}.id is required on ${referencedBy}.`);
  }
  const parsed = parseResourceId(id);
  const typeOk =
    parsed &&
    parsed.type.toLowerCase() === expected.type.toLowerCase() &&
    (expected.childType ? parsed.childType?.toLowerCase() === expected.childType.toLowerCase() : parsed.childType === undefined);
  const rec = typeOk ? ctx.store.get(id) : undefined;
  if (!rec || rec.provisioningState === 'Deleting') {
    throw new ArmError(
      400,
      'InvalidResourceReference',
      `Resource ${id} referenced by resource ${referencedBy} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
    );
  }
  return rec;
}

export interface Target {
  sub: string;
  rg: string;
  name: string;
  id: string;
  parent?: ResourceRecord;
}

export function putResource(ctx: EmulatorContext, kind: ResourceKind, t: Target, body: Record<string, any>, method: string, path: string): HandlerResult {
  const rgRec = requireRg(ctx, t.sub, t.rg);
  const existing = ctx.store.get(t.id);
  if (isBusy(existing)) throw conflict(ctx, existing!);
  if (t.parent && isBusy(t.parent)) throw conflict(ctx, t.parent);
  const input: PutInput = { sub: t.sub, rg: rgRec.name, name: t.name, id: t.id, body, existing, parent: t.parent, rgLocation: rgRec.location };
  const rec = kind.build(ctx, input);
  for (const b of kind.blockers?.(ctx, rec) ?? []) if (isBusy(b)) throw conflict(ctx, b);
  rec.provisioningState = 'Updating';
  ctx.store.put(rec);
  kind.afterPut?.(ctx, rec, input);
  const op = ctx.lro.start({
    sub: t.sub,
    location: rec.location,
    durationMs: kind.putDurationMs(ctx),
    fail: ctx.faults.takeOperationFailure(method, path),
    complete: () => {
      const cur = ctx.store.get(rec.id);
      if (!cur || cur.internal.operationId !== op.id) return;
      cur.provisioningState = 'Succeeded';
      cur.provisioned = true;
      cur.internal.completedAt = ctx.now();
      kind.completed?.(ctx, cur);
      ctx.store.markDirty();
    },
    failed: () => {
      const cur = ctx.store.get(rec.id);
      if (!cur || cur.internal.operationId !== op.id) return;
      cur.provisioningState = 'Failed';
      ctx.store.markDirty();
    },
  });
  rec.internal.operationId = op.id;
  return { status: existing ? 200 : 201, body: kind.view(ctx, rec), headers: ctx.lro.putHeaders(op) };
}

export function getResource(ctx: EmulatorContext, kind: ResourceKind, t: Target): HandlerResult {
  const rgRec = requireRg(ctx, t.sub, t.rg);
  const rec = ctx.store.get(t.id);
  if (!rec) throw notFound(kind.fullType, t.name, rgRec.name);
  return { status: 200, body: kind.view(ctx, rec) };
}

export function deleteResource(ctx: EmulatorContext, kind: ResourceKind, t: Target, method: string, path: string): HandlerResult {
  requireRg(ctx, t.sub, t.rg);
  const rec = ctx.store.get(t.id);
  if (!rec) return { status: 204 };
  if (isBusy(rec)) throw conflict(ctx, rec);
  if (t.parent && isBusy(t.parent)) throw conflict(ctx, t.parent);
  for (const b of kind.deleteBlockers?.(ctx, rec) ?? []) if (isBusy(b)) throw conflict(ctx, b);
  kind.beforeDelete?.(ctx, rec);
  rec.provisioningState = 'Deleting';
  ctx.store.markDirty();
  const op = ctx.lro.start({
    sub: t.sub,
    location: rec.location,
    durationMs: kind.deleteDurationMs?.(ctx) ?? ctx.settings.durations.defaultMs,
    fail: ctx.faults.takeOperationFailure(method, path),
    complete: () => {
      const cur = ctx.store.get(rec.id);
      if (!cur || cur.internal.operationId !== op.id) return { status: 204 };
      ctx.store.delete(cur);
      kind.deleted?.(ctx, cur);
      return { status: 204 };
    },
    failed: () => {
      const cur = ctx.store.get(rec.id);
      if (!cur || cur.internal.operationId !== op.id) return;
      cur.provisioningState = 'Failed';
      ctx.store.markDirty();
    },
  });
  rec.internal.operationId = op.id;
  return { status: 202, headers: ctx.lro.acceptedHeaders(op) };
}

/** `{ value, nextLink }` with pages of PAGE_SIZE; `$skipToken` is the offset. */
export function pagedList(ctx: EmulatorContext, path: string, query: URLSearchParams, items: unknown[]): HandlerResult {
  const skip = Math.max(0, Number(query.get('$skipToken') ?? '0') || 0);
  const page = items.slice(skip, skip + PAGE_SIZE);
  const body: Record<string, unknown> = { value: page };
  if (skip + PAGE_SIZE < items.length) {
    const api = query.get('api-version') ?? NETWORK_API_VERSION;
    body.nextLink = `${ctx.endpoint()}${path}?api-version=${encodeURIComponent(api)}&$skipToken=${skip + PAGE_SIZE}`;
  }
  return { status: 200, body };
}

/** Starts a POST action as a long-running operation (202 + Azure-AsyncOperation + Location); `compute` runs at its end. */
export function startPostOperation(
  ctx: EmulatorContext,
  rec: ResourceRecord,
  req: { method: string; path: string },
  durationMs: number,
  compute: () => HandlerResult,
): HandlerResult {
  const op = ctx.lro.start({
    sub: rec.sub,
    location: rec.location,
    durationMs,
    fail: ctx.faults.takeOperationFailure(req.method, req.path),
    complete: compute,
  });
  return { status: 202, headers: ctx.lro.acceptedHeaders(op) };
}
