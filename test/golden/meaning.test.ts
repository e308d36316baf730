/**
 * What every rendered bundle must mean, whatever the device: each Azure public IP has its tunnel,
 * each Azure BGP address its neighbor and host route, the key only in the files marked secret.
 * Device-specific meaning (the proposal in the device's words) is tested per device.
 */
import { REDACTED_KEY_PLACEHOLDER } from '../../src/render/context';
import { discoverCases, planCase } from './cases';

const cases = discoverCases();

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

describe.each(cases.map((c) => [c.name, c] as const))('meaning of %s', (_name, c) => {
  const keys = Object.fromEntries(c.facts.sites.map((s) => [s.name, s.sharedKey]));
  const pairs = planCase(c, keys).flatMap((s) => s.devices.map((d) => ({ site: s.site, ctx: s.context, device: d })));

  it.each(pairs.map((p) => [`${p.site}/${p.device.deviceId}`, p] as const))('%s', (_label, { site, ctx, device }) => {
    const all = device.files.map((f) => f.content).join('\n');
    const siteFacts = c.facts.sites.find((s) => s.name === site);
    expect(siteFacts).toBeDefined();
    // One tunnel per Azure instance: its public IP is a tunnel endpoint, named at least twice
    // (header and configuration).
    for (const inst of c.facts.vpnGateway.instances) expect(count(all, inst.publicIp)).toBeGreaterThanOrEqual(2);
    // The appliance identifies itself by its public IP.
    expect(all).toContain(ctx.site.publicIp);
    // Each Azure BGP address: the header, a neighbor and a host route.
    for (const ip of siteFacts?.bgpEnabled ? siteFacts.azureBgpIps : []) expect(count(all, ip)).toBeGreaterThanOrEqual(3);
    // The key (or its placeholder) appears in the secret files and nowhere else.
    const key = c.redact ? REDACTED_KEY_PLACEHOLDER : (keys[site] as string);
    for (const f of device.files) {
      if (f.holdsSecret) expect(f.content).toContain(key);
      else expect(f.content).not.toContain(key);
    }
    expect(device.files.some((f) => f.holdsSecret)).toBe(true);
  });
});
