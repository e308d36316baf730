/** `deviceOptions` keys that name members of Object.prototype are unknown options, reported cleanly (no crash). */
import { parseAndValidateHub } from '../../src/io/readHub';

const hubText = (key: string) => `azure:
  resourceGroup: rg1
  location: centralus
  vnet: { name: vnet1, addressSpace: [10.200.0.0/16], gatewaySubnet: 10.200.255.224/27 }
  vpnGateway: { name: vgw1, sku: VpnGw1AZ }
sites:
  - name: hq
    device: cisco-ios
    publicIp: 40.50.60.70
    addressSpace: [192.168.0.0/16]
    deviceOptions:
      ${key}: x1
`;

describe('deviceOptions keys inherited from Object.prototype', () => {
  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString'])('%s is an unknown option of the device, with the path and the known options', (key) => {
    const { hub, problems } = parseAndValidateHub(hubText(key), 'hub.yaml', 'yaml');
    expect(hub).toBeUndefined();
    expect(problems).toEqual([
      {
        path: `sites[0].deviceOptions.${key}`,
        severity: 'error',
        message: `"${key}" is not an option of Cisco IOS-XE`,
        fix: 'options for cisco-ios: outsideInterface, tunnelNumberBase, loopbackInterface, outsideVrf, prefixAdvertisement, outsideAddress',
        file: 'hub.yaml',
        line: 12,
        column: 7 + key.length + 2,
      },
    ]);
  });

  it('__proto__ never smuggles options in through the prototype', () => {
    const text = hubText('x').replace('      x: x1', '      __proto__: { outsideInterface: "evil interface" }');
    const { hub } = parseAndValidateHub(text, 'hub.yaml', 'yaml');
    const options = hub?.sites[0]?.deviceOptions as Record<string, unknown>;
    expect(Object.getPrototypeOf(options)).toBe(Object.prototype);
    expect('outsideInterface' in options).toBe(false);
    expect(({} as Record<string, unknown>).outsideInterface).toBeUndefined();
  });
});
