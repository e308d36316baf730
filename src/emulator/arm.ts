/** Routes ARM paths (matched case-insensitively) to resource groups, Microsoft.Network resources, actions and operations. */
import type { EmulatorContext } from './context';
import { ArmError, asObject, type HandlerResult, type ParsedRequest } from './http';
import { NETWORK_API_VERSION, NETWORK_TYPES, newEtag } from './ids';
import { deleteResource, getResource, notFound, pagedList, putResource, requireRg, type Target } from './resources/generic';
import { CHILD_KINDS, TOP_LEVEL_KINDS } from './resources/index';
import { isUnreadable } from './resources/expressRouteCircuits';
import type { ResourceKind } from './resources/kind';
import {
  deleteResourceGroup,
  getResourceGroup,
  headResourceGroup,
  listResourceGroups,
  putResourceGroup,
} from './resources/resourceGroups';

export interface ArmRequest extends ParsedRequest {
  /** The path as received (still percent-encoded), for nextLink. */
  rawPath: string;
}

/** Where a request went, for the counts by kind: `PUT virtualNetworkGateways`, `POST connections/sharedkey/reset`... */
export interface ArmMeta {
  kind: string;
  sub?: string;
}

function methodNotAllowed(method: string): ArmError {
  return new ArmError(405, 'MethodNotAllowed', `The HTTP method '${method}' is not supported at this path.`);
}

function checkResourceName(name: string, kind: ResourceKind): void {
  if (!/^[A-Za-z0-9](?:[\w.-]{0,78}\w)?$/.test(name)) {
    throw new ArmError(
      400,
      'InvalidResourceName',
      `Resource name ${name} is invalid. The name can be up to 80 characters long. It must begin with a word character, and it must end with a word character or with '_'. The name may contain word characters or '.', '-', '_'. (${kind.fullType})`,
    );
  }
}

function requireApiVersion(query: URLSearchParams): void {
  if (!query.get('api-version')) {
    throw new ArmError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
  }
}

function patchTags(ctx: EmulatorContext, kind: ResourceKind, t: Target, body: Record<string, any>): HandlerResult {
  requireRg(ctx, t.sub, t.rg);
  const rec = ctx.store.get(t.id);
  if (!rec) throw notFound(kind.fullType, t.name, t.rg);
  if (body.tags && typeof body.tags === 'object') rec.tags = body.tags;
  rec.etag = newEtag();
  ctx.store.markDirty();
  return { status: 200, body: kind.view(ctx, rec) };
}

function resourceCrud(ctx: EmulatorContext, kind: ResourceKind, t: Target, req: ArmRequest): HandlerResult {
  switch (req.method) {
    case 'PUT':
      checkResourceName(t.name, kind);
      return putResource(ctx, kind, t, asObject(req.body, 'the body'), req.method, req.path);
    case 'GET':
      return getResource(ctx, kind, t);
    case 'DELETE':
      return deleteResource(ctx, kind, t, req.method, req.path);
    case 'PATCH':
      return patchTags(ctx, kind, t, asObject(req.body, 'the body'));
    default:
      throw methodNotAllowed(req.method);
  }
}

function networkInGroup(ctx: EmulatorContext, req: ArmRequest, segs: string[], meta: ArmMeta): HandlerResult {
  const [sub, rg] = [segs[1], segs[3]];
  const typeKey = segs[6].toLowerCase();
  const kind = TOP_LEVEL_KINDS[typeKey];
  if (!kind) {
    throw new ArmError(404, 'InvalidResourceType', `The resource type '${segs[6]}' could not be found in the namespace 'Microsoft.Network' for api version '${req.query.get('api-version')}'.`);
  }
  meta.kind = `${req.method} ${kind.type}`;
  if (segs.length === 7) {
    if (req.method !== 'GET') throw methodNotAllowed(req.method);
    const rgRec = requireRg(ctx, sub, rg);
    return pagedList(ctx, req.rawPath, req.query, ctx.store.list(kind.type, sub, rgRec.name).map((r) => kind.view(ctx, r)));
  }
  const name = segs[7];
  const rgName = ctx.store.getRg(sub, rg)?.name ?? rg;
  const id = `/subscriptions/${sub}/resourceGroups/${rgName}/providers/Microsoft.Network/${kind.type}/${name}`;
  if (segs.length === 8) return resourceCrud(ctx, kind, { sub, rg: rgName, name, id }, req);

  const rest = segs.slice(8);
  const childKind = CHILD_KINDS[typeKey]?.[rest[0].toLowerCase()];
  const rgRec = requireRg(ctx, sub, rg);
  const parent = ctx.store.get(id);
  if (childKind && rest.length <= 2) {
    meta.kind = `${req.method} ${kind.type}/${childKind.type}`;
    if (!parent) throw notFound(kind.fullType, name, rgRec.name);
    if (rest.length === 1) {
      if (req.method !== 'GET') throw methodNotAllowed(req.method);
      return pagedList(ctx, req.rawPath, req.query, ctx.store.children(parent.key, childKind.type).map((r) => childKind.view(ctx, r)));
    }
    const childName = rest[1];
    const childId = `${parent.id}/${childKind.type}/${childName}`;
    return resourceCrud(ctx, childKind, { sub, rg: rgName, name: childName, id: childId, parent }, req);
  }
  const action = rest.join('/').toLowerCase();
  meta.kind = `${req.method} ${kind.type}/${action}`;
  if (typeKey === 'virtualnetworkgateways' && action === 'connections' && req.method === 'GET') {
    if (!parent) throw notFound(kind.fullType, name, rgRec.name);
    const conns = ctx.store.list('connections').filter((c) => (c.props.virtualNetworkGateway1?.id ?? '').toLowerCase() === parent.key);
    return pagedList(ctx, req.rawPath, req.query, conns.map((c) => TOP_LEVEL_KINDS.connections.view(ctx, c)));
  }
  const handler = kind.actions?.find((a) => a.action === action && a.method === req.method);
  if (!handler) {
    if (kind.actions?.some((a) => a.action === action)) throw methodNotAllowed(req.method);
    throw new ArmError(404, 'InvalidResourceType', `The resource type '${kind.type}/${rest.join('/')}' could not be found in the namespace 'Microsoft.Network'.`);
  }
  if (!parent) throw notFound(kind.fullType, name, rgRec.name);
  return handler.handle(ctx, parent, { method: req.method, path: req.path, body: asObject(req.body, 'the body'), query: req.query });
}

function operations(ctx: EmulatorContext, req: ArmRequest, segs: string[], meta: ArmMeta): HandlerResult {
  const which = segs[6].toLowerCase();
  meta.kind = `${req.method} ${which === 'operations' ? 'operations' : 'operationResults'}`;
  if (req.method !== 'GET') throw methodNotAllowed(req.method);
  return which === 'operations' ? ctx.lro.statusResult(segs[7]) : ctx.lro.locationResult(segs[7]);
}

/**
 * `GET .../resourceGroups/{rg}/resources` (Microsoft.Resources): every top-level resource in the group, of
 * any type, as generic resources (id, name, type, location, tags, sku). Child resources (subnets,
 * peerings) are not listed, as in Azure.
 */
function listGroupResources(ctx: EmulatorContext, sub: string, rg: string, req: ArmRequest): HandlerResult {
  const rgRec = requireRg(ctx, sub, rg);
  const items = ctx.store
    .all()
    .filter((r) => r.parentKey === undefined && r.sub.toLowerCase() === sub.toLowerCase() && r.rg.toLowerCase() === rgRec.name.toLowerCase())
    .map((r) => {
      const body: Record<string, unknown> = { id: r.id, name: r.name, type: r.fullType, location: r.location };
      if (r.tags) body.tags = r.tags;
      if (r.sku) body.sku = r.sku;
      return body;
    });
  return pagedList(ctx, req.rawPath, req.query, items);
}

const VERBS: Record<string, string> = { GET: 'read', HEAD: 'read', PUT: 'write', PATCH: 'write', DELETE: 'delete', POST: 'action' };

/**
 * The resource group of a circuit owned by someone else (`readable: false`): the caller has no role
 * there, so ARM answers 403 AuthorizationFailed to every request in it.
 */
function denyForeignGroup(ctx: EmulatorContext, req: ArmRequest, segs: string[]): void {
  const [sub, rg] = [segs[1].toLowerCase(), segs[3].toLowerCase()];
  const foreign = ctx.store.list('expressRouteCircuits').some((c) => isUnreadable(c) && c.sub.toLowerCase() === sub && c.rg.toLowerCase() === rg);
  if (!foreign) return;
  const type = segs.length >= 7 && segs[4].toLowerCase() === 'providers' ? `${segs[5]}/${segs.slice(6).filter((_, i) => i % 2 === 0).join('/')}` : 'Microsoft.Resources/subscriptions/resourceGroups';
  const action = `${type}/${VERBS[req.method] ?? 'read'}`;
  throw new ArmError(
    403,
    'AuthorizationFailed',
    `The client 'tunnelsmith-emulator' with object id '00000000-0000-0000-0000-000000000001' does not have authorization to perform action '${action}' over scope '${req.path}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  );
}

/** Handles one ARM request; `meta` receives its kind and subscription. */
export function handleArm(ctx: EmulatorContext, req: ArmRequest, meta: ArmMeta): HandlerResult {
  const segs = req.path.split('/').filter(Boolean);
  const lower = segs.map((s) => s.toLowerCase());
  if (lower[0] !== 'subscriptions' || segs.length < 2) {
    throw new ArmError(404, 'InvalidRequestUri', `The request URI '${req.path}' is not valid for this emulator.`);
  }
  meta.sub = segs[1];
  // Polling URLs the emulator handed out.
  if (segs.length === 8 && lower[2] === 'providers' && lower[3] === 'microsoft.network' && lower[4] === 'locations' && ['operations', 'operationresults'].includes(lower[6])) {
    return operations(ctx, req, segs, meta);
  }
  requireApiVersion(req.query);
  if (segs.length === 2) {
    meta.kind = `${req.method} subscriptions`;
    return { status: 200, body: { id: `/subscriptions/${segs[1]}`, subscriptionId: segs[1], displayName: 'tunnelsmith emulator', state: 'Enabled' } };
  }
  if (lower[2] === 'resourcegroups') {
    meta.kind = `${req.method} resourceGroups`;
    if (segs.length >= 4) denyForeignGroup(ctx, req, segs);
    if (segs.length === 3) {
      if (req.method !== 'GET') throw methodNotAllowed(req.method);
      return listResourceGroups(ctx, segs[1], req.rawPath, req.query);
    }
    if (segs.length === 4) {
      switch (req.method) {
        case 'PUT':
          return putResourceGroup(ctx, segs[1], segs[3], req.body);
        case 'GET':
          return getResourceGroup(ctx, segs[1], segs[3]);
        case 'HEAD':
          return headResourceGroup(ctx, segs[1], segs[3]);
        case 'DELETE':
          return deleteResourceGroup(ctx, segs[1], segs[3], req.method, req.path);
        default:
          throw methodNotAllowed(req.method);
      }
    }
    if (segs.length === 5 && lower[4] === 'resources') {
      meta.kind = `${req.method} resources`;
      if (req.method !== 'GET') throw methodNotAllowed(req.method);
      return listGroupResources(ctx, segs[1], segs[3], req);
    }
    if (segs.length >= 7 && lower[4] === 'providers' && lower[5] === 'microsoft.network') {
      return networkInGroup(ctx, req, segs, meta);
    }
    if (segs.length >= 6 && lower[4] === 'providers') {
      throw new ArmError(404, 'NoRegisteredProviderFound', `The emulator serves only Microsoft.Network; '${segs[5]}' is not available.`);
    }
  }
  if (segs.length === 5 && lower[2] === 'providers' && lower[3] === 'microsoft.network') {
    const type = NETWORK_TYPES[lower[4]];
    const kind = type ? TOP_LEVEL_KINDS[lower[4]] : undefined;
    if (!kind) throw new ArmError(404, 'InvalidResourceType', `The resource type '${segs[4]}' could not be found in the namespace 'Microsoft.Network'.`);
    meta.kind = `${req.method} ${kind.type}`;
    if (req.method !== 'GET') throw methodNotAllowed(req.method);
    const visible = ctx.store.list(kind.type, segs[1]).filter((r) => !(r.type === 'expressRouteCircuits' && isUnreadable(r)));
    return pagedList(ctx, req.rawPath, req.query, visible.map((r) => kind.view(ctx, r)));
  }
  throw new ArmError(404, 'InvalidRequestUri', `The request URI '${req.path}' is not valid for this emulator (api-version ${req.query.get('api-version') ?? NETWORK_API_VERSION}).`);
}
