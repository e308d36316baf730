/** The contract each resource type module fulfils; the generic PUT/GET/DELETE/LIST flow lives in generic.ts. */
import type { EmulatorContext } from '../context';
import type { HandlerResult } from '../http';
import type { ResourceRecord } from '../state';

export interface PutInput {
  sub: string;
  rg: string;
  name: string;
  id: string;
  body: Record<string, any>;
  existing?: ResourceRecord;
  /** The parent record of a child resource (subnet, peering). */
  parent?: ResourceRecord;
  /** Resource group location (default location of the resource). */
  rgLocation: string;
}

export interface ActionRequest {
  method: string;
  path: string;
  body: Record<string, any>;
  query: URLSearchParams;
}

/** A POST/GET/PUT action under a resource, e.g. `connections/{n}/sharedkey/reset`. */
export interface ActionHandler {
  method: string;
  /** Path segments after the resource name, lower case, e.g. `sharedkey/reset`. */
  action: string;
  handle(ctx: EmulatorContext, rec: ResourceRecord, req: ActionRequest): HandlerResult;
}

export interface ResourceKind {
  /** Canonical type segment: `virtualNetworks`; for children `subnets`. */
  type: string;
  /** `Microsoft.Network/virtualNetworks`. */
  fullType: string;
  /** Lower-case parent type for a child kind. */
  parentType?: string;
  /** Duration of a create/update. */
  putDurationMs(ctx: EmulatorContext): number;
  /** Duration of a delete (default: settings.defaultMs). */
  deleteDurationMs?(ctx: EmulatorContext): number;
  /** Validates a PUT and returns the new record (not yet stored). Throws ArmError for Azure's refusals. */
  build(ctx: EmulatorContext, input: PutInput): ResourceRecord;
  /** Other records whose running operation makes this PUT a 409 AnotherOperationInProgress. */
  blockers?(ctx: EmulatorContext, rec: ResourceRecord): ResourceRecord[];
  /** Other records whose running operation makes a DELETE of this resource a 409 AnotherOperationInProgress. */
  deleteBlockers?(ctx: EmulatorContext, rec: ResourceRecord): ResourceRecord[];
  /** Effects applied right after the record is stored (e.g. inline subnets). */
  afterPut?(ctx: EmulatorContext, rec: ResourceRecord, input: PutInput): void;
  /** The create/update operation succeeded. */
  completed?(ctx: EmulatorContext, rec: ResourceRecord): void;
  /** The resource body as answered. */
  view(ctx: EmulatorContext, rec: ResourceRecord): Record<string, any>;
  /** Refuses a delete (resource in use). */
  beforeDelete?(ctx: EmulatorContext, rec: ResourceRecord): void;
  /** The resource was removed. */
  deleted?(ctx: EmulatorContext, rec: ResourceRecord): void;
  actions?: ActionHandler[];
}
