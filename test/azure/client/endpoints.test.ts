import { CLOUDS, resolveEndpoints } from '../../../src/azure/client/endpoints';
import { describeRefusal } from '../../../src/azure/client/errors';
import { EMBEDDED_DEMO_HUB } from '../../../src/cli/commands/demo';
import { promises as fs } from 'node:fs';
import path from 'node:path';

describe('resolveEndpoints', () => {
  const sub = '11111111-2222-3333-4444-555555555555';

  test('public cloud by default; the hub subscription wins over AZURE_SUBSCRIPTION_ID', () => {
    const r = resolveEndpoints({ hubSubscriptionId: sub }, { AZURE_SUBSCRIPTION_ID: 'other' });
    expect(r).toMatchObject({ armEndpoint: 'https://management.azure.com', armScope: 'https://management.azure.com/.default', subscriptionId: sub });
    expect(resolveEndpoints({}, { AZURE_SUBSCRIPTION_ID: sub }).subscriptionId).toBe(sub);
  });

  test('--cloud presets set endpoint, authority and scope; flags win over environment variables', () => {
    const gov = resolveEndpoints({ cloud: 'AzureUSGovernment', hubSubscriptionId: sub }, {});
    expect(gov).toMatchObject({ armEndpoint: CLOUDS.AzureUSGovernment.armEndpoint, armScope: 'https://management.usgovcloudapi.net/.default' });
    expect(gov.cloud.authorityHost).toBe('https://login.microsoftonline.us');
    const env = { TUNNELSMITH_ARM_ENDPOINT: 'https://127.0.0.1:9443/', TUNNELSMITH_CA_FILE: 'env.pem', TUNNELSMITH_CLOUD: 'AzureChinaCloud' };
    const r = resolveEndpoints({ caFile: 'flag.pem', hubSubscriptionId: sub }, env);
    expect(r).toMatchObject({ armEndpoint: 'https://127.0.0.1:9443', caFile: 'flag.pem', armScope: 'https://management.chinacloudapi.cn/.default' });
  });

  test('clear usage errors: unknown cloud, plain http, no subscription', () => {
    expect(() => resolveEndpoints({ cloud: 'Mars', hubSubscriptionId: sub }, {})).toThrow(/unknown cloud Mars/);
    expect(() => resolveEndpoints({ armEndpoint: 'http://127.0.0.1:8080', hubSubscriptionId: sub }, {})).toThrow(/must use https/);
    expect(() => resolveEndpoints({}, {})).toThrow(/no Azure subscription is named/);
  });
});

describe('describeRefusal', () => {
  test.each([
    ['GatewaySubnetTooSmallForCoexistence', 'azure.vpnGateway', 'azure.vnet.gatewaySubnet'],
    ['AsnReservedForAzureUse', 'sites[2]', 'sites[2].bgp.asn'],
    ['AsnReservedForAzureUse', 'azure.vpnGateway', 'azure.vpnGateway.asn'],
    ['IpsecEncryptionAndIntegrityMismatch', 'sites[0]', 'sites[0].ipsecPolicy'],
    ['InvalidSharedKey', 'sites[1]', 'sites[1].sharedKey'],
    ['VnetCanHaveOnlyOneGatewayOfEachType', 'azure.expressRoute', 'azure.expressRoute.gatewayName'],
    ['BasicSkuVirtualNetworkGatewayDoesNotSupportBgp', 'azure.vpnGateway', 'azure.vpnGateway.sku'],
    ['LocalNetworkGatewayAddressSpaceContainsApipa', 'sites[0]', 'sites[0].addressSpace'],
    ['CircuitNotProvisionedByServiceProvider', 'azure.expressRoute', 'azure.expressRoute.circuitId'],
    ['InvalidCircuitSku', 'azure.expressRoute.circuit', 'azure.expressRoute.circuit'],
    ['GatewaySkuResizeNotSupported', 'azure.vpnGateway', 'azure.vpnGateway.sku'],
  ])('%s while writing %s names %s', (code, resourceField, field) => {
    expect(describeRefusal(code, '', resourceField)!.field).toBe(field);
  });

  test('unknown codes are not guessed', () => {
    expect(describeRefusal('SomethingNew', 'no clue', 'sites[0]')).toBeUndefined();
  });
});

test('the embedded demo hub is the shipped fixtures/demo/hub.yaml', async () => {
  const shipped = await fs.readFile(path.resolve(__dirname, '../../../fixtures/demo/hub.yaml'), 'utf8');
  expect(EMBEDDED_DEMO_HUB).toBe(shipped);
});
