/** Steps every lab case shares: bring the appliance up with its rendered files and wait for each layer. */
import { AZURE_HOST, ONPREM_HOST } from './cases';
import { waitBirdEstablished, waitBirdLearned, waitFrrEstablished, waitFrrLearned, waitTunnelsUp, type TunnelState } from './checks';
import { ping } from './ping';
import { waitFor } from './run';
import type { InteropLab } from './topology';

export interface BroughtUp {
  onPrem: TunnelState[];
  azure: TunnelState[];
}

export function onPremConnections(lab: InteropLab): string[] {
  return lab.onPrem.connections.map((c) => c.connection);
}

export function azureConnections(lab: InteropLab): string[] {
  return lab.azure.instances.map((i) => i.connection);
}

export function azureBgpProtocols(lab: InteropLab): string[] {
  return lab.azure.instances.map((i) => i.bgpProtocol).filter((p): p is string => p !== undefined);
}

export function azureBgpIps(lab: InteropLab): string[] {
  return lab.azure.instances.map((i) => i.bgpIp).filter((p): p is string => p !== undefined);
}

/** Waits until a ping succeeds between the hosts in both directions. */
export async function waitPingsBothWays(lab: InteropLab, timeoutMs: number): Promise<void> {
  await waitFor('a ping from the on-prem host to the VNet host', async () => ((await ping(lab.ns.onPremHost, AZURE_HOST.ip, 1)).received === 1 ? true : undefined), timeoutMs, 100);
  await waitFor('a ping from the VNet host to the on-prem host', async () => ((await ping(lab.ns.azureHost, ONPREM_HOST.ip, 1)).received === 1 ? true : undefined), timeoutMs, 100);
}

/**
 * Loads the rendered swanctl.conf on the appliance (its start_action initiates every tunnel), waits for
 * both sides' SAs, then applies the rendered frr.conf (BGP) or the rendered static routes, and waits for
 * sessions, routes and pings. Records the times in `lab.timings`.
 */
export async function bringUp(lab: InteropLab): Promise<BroughtUp> {
  const t0 = Date.now();
  await lab.onPremCharon.load(lab.onPrem.swanctlConf);
  const onPrem = await waitTunnelsUp(lab.onPremCharon, onPremConnections(lab), 20_000);
  const azure = await waitTunnelsUp(lab.azureCharon, azureConnections(lab), 5_000);
  lab.timings.tunnelsUpMs = Date.now() - t0;
  if (lab.frr && lab.onPrem.frrConf !== undefined) {
    const t1 = Date.now();
    await lab.frr.apply(lab.onPrem.frrConf, 'frr.conf');
    await waitFrrEstablished(lab.frr, azureBgpIps(lab), 30_000);
    await waitBirdEstablished(lab.bird, azureBgpProtocols(lab), 5_000);
    for (const vnet of lab.deployment.facts.vnetAddressSpace) await waitFrrLearned(lab.frr, vnet, azureBgpIps(lab), 10_000);
    for (const prefix of lab.onPrem.ctx.site.addressSpace) await waitBirdLearned(lab.bird, prefix, azureBgpProtocols(lab), 10_000);
    lab.timings.bgpUpMs = Date.now() - t1;
  } else {
    await lab.applyRenderedRoutes();
  }
  await waitPingsBothWays(lab, 10_000);
  lab.timings.bringUpMs = Date.now() - t0;
  return { onPrem, azure };
}
