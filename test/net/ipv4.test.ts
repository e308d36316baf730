/** IPv4 helpers: the integer form agrees with ip-address's, and prefixes parse as documented. */
import fc from 'fast-check';
import { Address4 } from 'ip-address';
import { containsIp, intToIp, ipToInt, isAzureApipa, isIpv4, parseCidr } from '../../src/net/ipv4';

const octet = fc.integer({ min: 0, max: 255 });
const address = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));

test('ipToInt gives what ip-address gives, and intToIp takes it back', () => {
  fc.assert(
    fc.property(address, (ip) => {
      expect(ipToInt(ip)).toBe(Number(new Address4(ip).bigInt()));
      expect(intToIp(ipToInt(ip))).toBe(ip);
    }),
    { numRuns: 2000 },
  );
  expect(ipToInt('0.0.0.0')).toBe(0);
  expect(ipToInt('255.255.255.255')).toBe(2 ** 32 - 1);
  expect(ipToInt('10.1.2.3')).toBe(10 * 2 ** 24 + 1 * 2 ** 16 + 2 * 2 ** 8 + 3);
});

test('ipToInt refuses what is not a dotted quad of octets', () => {
  for (const bad of ['256.0.0.1', '10.0.0', '10.0.0.0/8', ' 10.0.0.1', '10.0.0.1\n', 'a.b.c.d', '', '1.2.3.4.5']) {
    expect(() => ipToInt(bad)).toThrow(/not an IPv4 address/);
  }
});

test('prefixes and ranges', () => {
  expect(parseCidr('10.10.0.0/16')).toEqual({ ok: true, cidr: { text: '10.10.0.0/16', network: '10.10.0.0', prefixLength: 16, start: ipToInt('10.10.0.0'), end: ipToInt('10.10.255.255') } });
  expect(parseCidr('10.10.0.1/16')).toEqual({ ok: false, reason: '10.10.0.1/16 has host bits set; the network is 10.10.0.0/16' });
  expect(parseCidr('10.10.0.0/33')).toMatchObject({ ok: false });
  expect(isIpv4('010.0.0.1')).toBe(false);
  const c = parseCidr('192.168.4.0/22');
  if (!c.ok) throw new Error(c.reason);
  expect(containsIp(c.cidr, '192.168.7.255')).toBe(true);
  expect(containsIp(c.cidr, '192.168.8.0')).toBe(false);
  expect(isAzureApipa('169.254.21.0')).toBe(true);
  expect(isAzureApipa('169.254.22.255')).toBe(true);
  expect(isAzureApipa('169.254.23.0')).toBe(false);
});
