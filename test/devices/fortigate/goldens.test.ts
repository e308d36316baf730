/** Every golden FortiOS file (fixtures/<case>/expected/<site>/fortigate/) parses, resolves and means its context. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fortigate } from '../../../src/devices/fortigate/device';
import { buildSiteContext } from '../../../src/render/context';
import { discoverCases } from '../../golden/cases';
import { parseFortios } from './structure';
import { fortiosMeaningProblems } from './meaning';

const goldens = discoverCases().flatMap((c) =>
  c.hub.sites
    .map((site) => ({ c, site, file: path.join(c.expectedDir, site.name, 'fortigate', 'azure-vpn.conf') }))
    .filter(({ file }) => existsSync(file)),
);

describe('fortigate golden files', () => {
  it('exist for the cases that render every device and for a site of its own', () => {
    expect(goldens.map(({ c, site }) => `${c.name}/${site.name}`)).toEqual(expect.arrayContaining(['seed-reference/hq', 'active-active-bgp/dc1', 'apipa-bgp/plant', 'demo/hq', 'firewalls/plant-frankfurt', 'hub-and-spoke/campus', 'hub-and-spoke/depot']));
  });

  it.each(goldens.map((g) => [`${g.c.name}/${g.site.name}`, g] as const))('%s', (_label, { c, site, file }) => {
    const key = c.redact ? undefined : c.facts.sites.find((s) => s.name === site.name)?.sharedKey;
    const built = buildSiteContext({ hub: c.hub, facts: c.facts, site, device: fortigate, sharedKey: key });
    if (!built.ok) throw new Error(JSON.stringify(built.problems));
    const text = readFileSync(file, 'utf8');
    const parsed = parseFortios(text, { interfaces: [String(built.ctx.options.outsideInterface), String(built.ctx.options.insideInterface)] });
    expect([...parsed.problems, ...fortiosMeaningProblems(built.ctx, parsed, text)]).toEqual([]);
  });
});
