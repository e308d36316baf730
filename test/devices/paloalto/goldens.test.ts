/** Every golden PAN-OS file (fixtures/<case>/expected/<site>/paloalto/) parses, resolves and means its context. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { paloalto } from '../../../src/devices/paloalto/device';
import { buildSiteContext } from '../../../src/render/context';
import { discoverCases } from '../../golden/cases';
import { parsePanos } from './structure';
import { panosMeaningProblems } from './meaning';

const goldens = discoverCases().flatMap((c) =>
  c.hub.sites
    .map((site) => ({ c, site, file: path.join(c.expectedDir, site.name, 'paloalto', 'azure-vpn.set') }))
    .filter(({ file }) => existsSync(file)),
);

describe('paloalto golden files', () => {
  it('exist for the cases that render every device and for a site of its own', () => {
    expect(goldens.map(({ c, site }) => `${c.name}/${site.name}`)).toEqual(expect.arrayContaining(['seed-reference/hq', 'active-active-bgp/dc1', 'apipa-bgp/plant', 'demo/hq', 'firewalls/dc-west', 'hub-and-spoke/campus', 'hub-and-spoke/depot']));
  });

  it.each(goldens.map((g) => [`${g.c.name}/${g.site.name}`, g] as const))('%s', (_label, { c, site, file }) => {
    const key = c.redact ? undefined : c.facts.sites.find((s) => s.name === site.name)?.sharedKey;
    const built = buildSiteContext({ hub: c.hub, facts: c.facts, site, device: paloalto, sharedKey: key });
    if (!built.ok) throw new Error(JSON.stringify(built.problems));
    const text = readFileSync(file, 'utf8');
    const o = built.ctx.options;
    const parsed = parsePanos(text, { zones: [String(o.outsideZone), String(o.insideZone)], interfaces: [String(o.outsideInterface)], virtualRouter: String(o.virtualRouter) });
    expect([...parsed.problems, ...panosMeaningProblems(built.ctx, parsed, text)]).toEqual([]);
  });
});
