/**
 * A site's IKEv2 connection: its IPsec policy, DPD, BGP and custom (APIPA) BGP addresses. The shared
 * key is only sent when the connection is created (`secrets`); an existing connection's key is never
 * compared or changed here (that is `rotate-key`'s job).
 */
import type { IpsecPolicy } from '../../hub/types';
import { AZURE_DEFAULT_DPD_TIMEOUT_SECONDS } from '../../policy/catalog';
import { sameId, type ConnectionModel, type GatewayModel } from '../client/model';
import { list, sameSet, shortId } from './compare';
import { checkConnectionBinding, CONNECTIONS, recreateConnectionRemedy } from './connection';
import type { KindSpec } from './contract';

export const IPSEC_PROTOCOL = 'IKEv2';

export const ipsecConnection: KindSpec<'ipsecConnection'> = {
  kind: 'ipsecConnection',
  label: 'connection',
  arm: CONNECTIONS,
  read: (api, rg, name, o) => api.getConnection(rg, name, o),
  write: (api, rg, desired, secrets, o) => api.putConnection(rg, desired, secrets, o),
  diff: (r, actual, ctx, found) => {
    const d = r.desired;
    const { fields, conflict } = found;
    if (!checkConnectionBinding(r, actual, found)) return d;
    if (d.localNetworkGatewayId && !sameId(actual.localNetworkGatewayId, d.localNetworkGatewayId)) {
      conflict(`${r.field}.localNetworkGatewayName`, `connection ${r.name} uses local network gateway ${shortId(actual.localNetworkGatewayId ?? 'none')}, not ${shortId(d.localNetworkGatewayId)}`, recreateConnectionRemedy(r.name));
    }

    // Custom BGP addresses reference the gateway's IP configurations: use the ids the gateway really has.
    const gatewayKey = r.dependsOn.find((k) => k.startsWith('vpnGateway:'));
    const gateway = gatewayKey ? (ctx.actual[gatewayKey] as GatewayModel | undefined) : undefined;
    const plannedGateway = ctx.plan.resources.find((x) => x.key === gatewayKey);
    const customBgpIps = d.customBgpIps.map((c) => {
      if (!gateway || !plannedGateway || plannedGateway.kind !== 'vpnGateway') return c;
      const planned = plannedGateway.desired.ipConfigurations.find((p) => sameId(p.id, c.ipConfigurationId));
      const real = planned && gateway.ipConfigurations.find((g) => sameId(g.publicIpId, planned.publicIpId));
      return real?.id ? { ...c, ipConfigurationId: real.id } : c;
    });

    if ((actual.connectionProtocol ?? IPSEC_PROTOCOL).toLowerCase() !== (d.connectionProtocol ?? IPSEC_PROTOCOL).toLowerCase()) {
      // Azure never switches a connection between IKEv1 and IKEv2: delete it and create it again.
      found.replace(r.field, `connectionProtocol ${actual.connectionProtocol} -> ${d.connectionProtocol}: Azure cannot change a connection's protocol in place`);
    }
    if (!samePolicy(actual.ipsecPolicy, d.ipsecPolicy)) fields.push(`ipsecPolicy: ${policyText(actual.ipsecPolicy)} -> ${policyText(d.ipsecPolicy)}`);
    if ((actual.dpdTimeoutSeconds ?? AZURE_DEFAULT_DPD_TIMEOUT_SECONDS) !== (d.dpdTimeoutSeconds ?? AZURE_DEFAULT_DPD_TIMEOUT_SECONDS)) fields.push(`dpdTimeoutSeconds: ${actual.dpdTimeoutSeconds ?? AZURE_DEFAULT_DPD_TIMEOUT_SECONDS} -> ${d.dpdTimeoutSeconds}`);
    if (actual.enableBgp !== d.enableBgp) fields.push(`enableBgp: ${actual.enableBgp} -> ${d.enableBgp}`);
    const pairs = (xs: ConnectionModel['customBgpIps']) => xs.map((x) => `${shortId(x.ipConfigurationId)}=${x.address}`);
    if (!sameSet(pairs(actual.customBgpIps), pairs(customBgpIps))) fields.push(`gatewayCustomBgpIpAddresses: ${list(pairs(actual.customBgpIps))} -> ${list(pairs(customBgpIps))}`);
    return { ...d, tags: actual.tags, customBgpIps };
  },
};

function policyText(p: IpsecPolicy | undefined): string {
  if (!p) return 'azure-default';
  return `${p.ikeEncryption}/${p.ikeIntegrity}/${p.dhGroup} ${p.ipsecEncryption}/${p.ipsecIntegrity}/${p.pfsGroup} ${p.saLifeTimeSeconds}s ${p.saDataSizeKilobytes}KB`;
}

function samePolicy(a: IpsecPolicy | undefined, b: IpsecPolicy | undefined): boolean {
  if (!a || !b) return a === b;
  const eq = (x: string, y: string) => x.toLowerCase() === y.toLowerCase();
  return (
    eq(a.ikeEncryption, b.ikeEncryption) &&
    eq(a.ikeIntegrity, b.ikeIntegrity) &&
    eq(a.dhGroup, b.dhGroup) &&
    eq(a.ipsecEncryption, b.ipsecEncryption) &&
    eq(a.ipsecIntegrity, b.ipsecIntegrity) &&
    eq(a.pfsGroup, b.pfsGroup) &&
    a.saLifeTimeSeconds === b.saLifeTimeSeconds &&
    a.saDataSizeKilobytes === b.saDataSizeKilobytes
  );
}
