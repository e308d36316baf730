/** How gateways, connections and local network gateways refer to each other, and each gateway instance's addresses. */
import type { EmulatorContext } from '../context';
import type { ResourceRecord } from '../state';

export function vnetKeyOfGateway(gw: ResourceRecord): string | undefined {
  const subnetId: string | undefined = gw.props.ipConfigurations?.[0]?.properties?.subnet?.id;
  return subnetId ? subnetId.toLowerCase().replace(/\/subnets\/[^/]+$/, '') : undefined;
}

/** Other gateways in the same VNet. */
export function siblingGateways(ctx: EmulatorContext, gw: ResourceRecord): ResourceRecord[] {
  const vnet = vnetKeyOfGateway(gw);
  return ctx.store.list('virtualNetworkGateways').filter((g) => g.key !== gw.key && vnetKeyOfGateway(g) === vnet);
}

export function connectionsOfGateway(ctx: EmulatorContext, gw: ResourceRecord): ResourceRecord[] {
  return ctx.store.list('connections').filter((c) => (c.props.virtualNetworkGateway1?.id ?? '').toLowerCase() === gw.key);
}

export interface GatewayInstance {
  ipConfigurationId: string;
  ipConfigurationName: string;
  defaultBgpIp: string;
  customBgpIps: string[];
  publicIp?: string;
}

/** One entry per ipConfiguration (= gateway instance), with its addresses. */
export function gatewayInstances(ctx: EmulatorContext, gw: ResourceRecord): GatewayInstance[] {
  return (gw.props.ipConfigurations ?? []).map((ipc: any) => {
    const pip = ipc.properties.publicIPAddress ? ctx.store.get(ipc.properties.publicIPAddress.id) : undefined;
    return {
      ipConfigurationId: ipc.id,
      ipConfigurationName: ipc.name,
      defaultBgpIp: gw.internal.defaultBgpIps?.[ipc.name.toLowerCase()] ?? '',
      customBgpIps: gw.internal.customBgpIps?.[ipc.name.toLowerCase()] ?? [],
      publicIp: pip?.props.ipAddress,
    };
  });
}

export function gatewayOf(ctx: EmulatorContext, conn: ResourceRecord): ResourceRecord | undefined {
  return ctx.store.get(conn.props.virtualNetworkGateway1?.id ?? '');
}

export function localGatewayOf(ctx: EmulatorContext, conn: ResourceRecord): ResourceRecord | undefined {
  return conn.props.localNetworkGateway2 ? ctx.store.get(conn.props.localNetworkGateway2.id) : undefined;
}
