/**
 * What every rendered bundle must mean, whatever the device: each Azure public IP has its tunnel,
 * each Azure BGP address its neighbor and host route, the key only in the files marked secret.
 * Device-specific meaning (the proposal in the device's words) is tested per device.
 */
import { REDACTED_KEY_PLACEHOLDER } from '../../src/render/context';
import { readFileSync } from 'node:fs';
import path from 'node:path';
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

describe.each(cases.map((c) => [c.name, c] as const))('the handoff README of %s tells what index.html carries', (_name, c) => {
  const sites = c.facts.sites.filter((s) => c.hub.sites.some((h) => h.name === s.name));
  it.each(sites.map((s) => [s.name, s] as const))('%s', (site, facts) => {
    const dir = path.join(c.expectedDir, site);
    const readme = readFileSync(path.join(dir, 'README.md'), 'utf8').replace(/\s*\n\s*/g, ' ');
    const page = readFileSync(path.join(dir, 'index.html'), 'utf8');
    const pageHoldsKey = facts.sharedKey !== undefined && page.includes(facts.sharedKey);
    expect(pageHoldsKey).toBe(!c.redact);
    const saysKey = readme.includes('`index.html` (this sheet as one page, with the files\' text) holds the key too');
    const saysPlaceholder = readme.includes('they hold the placeholder, not the key, and so does `index.html`');
    expect([saysKey, saysPlaceholder]).toEqual([pageHoldsKey, !pageHoldsKey]);
    if (!pageHoldsKey) expect(page).toContain(REDACTED_KEY_PLACEHOLDER);
  });
});
