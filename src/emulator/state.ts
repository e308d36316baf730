/** The emulator's store: resource groups, resources, vault secrets and simulation settings, optionally persisted as JSON. */
import { join } from 'node:path';
import { formatIp, parseIp } from './ipv4';
import { ArmError } from './http';
import { keyOf } from './ids';
import { preparePrivateDir, readStateFile, writeStateFile } from './stateDir';
import type { EmulatorRules } from './types';

export type ProvisioningState = 'Updating' | 'Succeeded' | 'Failed' | 'Deleting';

export interface ResourceGroupRecord {
  id: string;
  name: string;
  sub: string;
  location: string;
  tags?: Record<string, string>;
  deleting?: boolean;
  /** Made by the control surface (addProvisionedCircuit): the first ARM PUT may set its location. */
  implicit?: boolean;
}

export interface ResourceRecord {
  id: string;
  key: string;
  name: string;
  /** Canonical type segment: `virtualNetworks`, or `subnets` / `peerings` for children. */
  type: string;
  /** `Microsoft.Network/virtualNetworks/subnets` style. */
  fullType: string;
  sub: string;
  rg: string;
  location: string;
  parentKey?: string;
  tags?: Record<string, string>;
  sku?: Record<string, unknown>;
  zones?: string[];
  etag: string;
  resourceGuid: string;
  provisioningState: ProvisioningState;
  /** Properties as answered, without provisioningState/resourceGuid, secrets or values computed at read time. */
  props: Record<string, any>;
  /** Never answered in a resource body. */
  secret?: { sharedKey?: string };
  /** Emulator-side values (allocated addresses, times). */
  internal: Record<string, any>;
  /** True once a create has completed. */
  provisioned: boolean;
}

export interface SecretVersion {
  version: string;
  value: string;
  contentType?: string;
  tags?: Record<string, string>;
  enabled: boolean;
  /** Unix seconds. */
  created: number;
  updated: number;
}

export interface SimulationState {
  expressRoutePathGlobal: 'up' | 'down';
  /** circuit key -> path state. */
  expressRoutePath: Record<string, 'up' | 'down'>;
  onPremPrefixesGlobal: string[] | null;
  onPremPrefixes: Record<string, string[]>;
  /** connection key -> reachable. */
  siteReachable: Record<string, boolean>;
  /** connection key -> the key the device holds. */
  siteSharedKey: Record<string, string>;
  /** connection key -> what a BGP site announces (default: its local network gateway's address space). */
  siteAdvertisedPrefixes: Record<string, string[]>;
}

export interface PersistedState {
  version: 1;
  resourceGroups: Record<string, ResourceGroupRecord>;
  resources: Record<string, ResourceRecord>;
  /** secret name (lower case) -> versions, oldest first. */
  secrets: Record<string, { name: string; versions: SecretVersion[]; /** Unix seconds; soft-deleted. */ deletedAt?: number }>;
  sim: SimulationState;
  rules: EmulatorRules;
}

export function emptySimulation(): SimulationState {
  return {
    expressRoutePathGlobal: 'up',
    expressRoutePath: {},
    onPremPrefixesGlobal: null,
    onPremPrefixes: {},
    siteReachable: {},
    siteSharedKey: {},
    siteAdvertisedPrefixes: {},
  };
}

function emptyState(rules: EmulatorRules): PersistedState {
  return { version: 1, resourceGroups: {}, resources: {}, secrets: {}, sim: emptySimulation(), rules };
}

const STATE_FILE = 'state.json';

export class Store {
  state: PersistedState;
  private dirty = false;

  constructor(
    private readonly stateDir: string | undefined,
    defaultRules: EmulatorRules,
  ) {
    this.state = emptyState(defaultRules);
    if (stateDir) {
      preparePrivateDir(stateDir);
      const file = join(stateDir, STATE_FILE);
      const text = readStateFile(file);
      if (text !== undefined) {
        let loaded: PersistedState;
        try {
          loaded = JSON.parse(text) as PersistedState;
        } catch (e) {
          throw Object.assign(new Error(`The emulator state file ${file} is not valid JSON (${(e as Error).message}); delete it to start over.`), {
            code: 'EmulatorStateInvalid',
          });
        }
        if (loaded?.version !== 1) {
          throw Object.assign(new Error(`The emulator state file ${file} has an unknown version; delete it to start over.`), { code: 'EmulatorStateInvalid' });
        }
        // Rules of older emulators that Azure no longer has are dropped.
        const { requireExpressRouteGatewayFirst: _dropped, ...rules } = (loaded.rules ?? {}) as EmulatorRules & { requireExpressRouteGatewayFirst?: boolean };
        this.state = { ...emptyState(defaultRules), ...loaded, rules: { ...defaultRules, ...rules }, sim: { ...emptySimulation(), ...loaded.sim } };
      }
    }
  }

  get persistent(): boolean {
    return this.stateDir !== undefined;
  }

  markDirty(): void {
    this.dirty = true;
  }

  /** Writes the state file (mode 0600: it holds shared keys and vault secrets) when something changed. */
  flush(): void {
    if (!this.dirty || !this.stateDir) return;
    this.dirty = false;
    preparePrivateDir(this.stateDir);
    writeStateFile(join(this.stateDir, STATE_FILE), JSON.stringify(this.state), 0o600);
  }

  clear(): void {
    this.state = emptyState(this.state.rules);
    this.markDirty();
  }

  // ---- resource groups
  getRg(sub: string, rg: string): ResourceGroupRecord | undefined {
    return this.state.resourceGroups[keyOf(`/subscriptions/${sub}/resourceGroups/${rg}`)];
  }

  putRg(rec: ResourceGroupRecord): void {
    this.state.resourceGroups[keyOf(rec.id)] = rec;
    this.markDirty();
  }

  listRgs(sub: string): ResourceGroupRecord[] {
    return Object.values(this.state.resourceGroups).filter((r) => r.sub.toLowerCase() === sub.toLowerCase());
  }

  /** Removes the group and everything in it. */
  deleteRg(rec: ResourceGroupRecord): void {
    const prefix = keyOf(rec.id) + '/';
    for (const k of Object.keys(this.state.resources)) if (k.startsWith(prefix)) delete this.state.resources[k];
    delete this.state.resourceGroups[keyOf(rec.id)];
    this.markDirty();
  }

  // ---- resources
  get(id: string): ResourceRecord | undefined {
    return this.state.resources[keyOf(id)];
  }

  put(rec: ResourceRecord): void {
    this.state.resources[rec.key] = rec;
    this.markDirty();
  }

  /** Removes a resource and its children. */
  delete(rec: ResourceRecord): void {
    for (const child of this.children(rec.key)) this.delete(child);
    delete this.state.resources[rec.key];
    this.markDirty();
  }

  all(): ResourceRecord[] {
    return Object.values(this.state.resources);
  }

  /** Resources of one canonical type, optionally limited to a subscription and resource group, in creation order. */
  list(type: string, sub?: string, rg?: string): ResourceRecord[] {
    return this.all().filter(
      (r) =>
        r.parentKey === undefined &&
        r.type.toLowerCase() === type.toLowerCase() &&
        (sub === undefined || r.sub.toLowerCase() === sub.toLowerCase()) &&
        (rg === undefined || r.rg.toLowerCase() === rg.toLowerCase()),
    );
  }

  children(parentKey: string, type?: string): ResourceRecord[] {
    return this.all().filter((r) => r.parentKey === parentKey && (type === undefined || r.type.toLowerCase() === type.toLowerCase()));
  }

  /** The lowest free address of 203.0.113.0/24 (TEST-NET-3) not held by a public IP. */
  allocatePublicIp(): string {
    const used = new Set(this.list('publicIPAddresses').map((p) => p.props.ipAddress).filter(Boolean));
    const base = parseIp('203.0.113.0')!;
    for (let i = 1; i < 255; i++) {
      const ip = formatIp(base + i);
      if (!used.has(ip)) return ip;
    }
    throw new ArmError(400, 'PublicIPCountLimitReached', 'Cannot create more than 254 public IP addresses in this emulator (203.0.113.0/24).');
  }
}
