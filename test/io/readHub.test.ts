import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { InputError } from '../../src/errors';
import { detectFormat, readHub, type LocatedProblem } from '../../src/io/readHub';
import { FAKE_DEVICES, seedHub } from '../hub/fixtures';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tunnelsmith-readhub-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => writeFileSync(path.join(dir, name), text);
const read = (file?: string) => readHub({ cwd: dir, devices: FAKE_DEVICES, ...(file ? { file } : {}) });

async function rejection(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

const SEED_YAML = `# the seed's reference hub
azure:
  resourceGroup: ra-hybrid-vpn-er-rg
  location: centralus
  vnet:
    name: ra-hybrid-vpn-er-vnet
    addressSpace: [10.200.0.0/16]
    gatewaySubnet: 10.200.255.224/27
  vpnGateway:
    name: ra-hybrid-vpn-vgw
    sku: VpnGw1AZ
sites:
  - name: hq
    device: windows-rras
    publicIp: 40.50.60.70
    addressSpace: [192.168.0.0/16]
    sharedKey: { env: HQ_PSK }
`;

describe('readHub', () => {
  test('reads tunnelsmith.yaml from the working folder by default', async () => {
    write('tunnelsmith.yaml', SEED_YAML);
    const loaded = await read();
    expect(loaded.file).toBe(path.join(dir, 'tunnelsmith.yaml'));
    expect(loaded.baseDir).toBe(dir);
    expect(loaded.source).toBe(SEED_YAML);
    expect(loaded.hub.sites[0]).toMatchObject({ name: 'hq', device: 'windows-rras', connectionName: 'cn-hq', localNetworkGatewayName: 'lng-hq' });
    expect(loaded.warnings).toEqual([]);
  });

  test('reads JSON by extension and YAML and JSON give the same hub', async () => {
    write('hub.json', JSON.stringify(seedHub(), null, 2));
    write('hub.yml', stringify(seedHub()));
    write('hub-no-ext', JSON.stringify(seedHub()));
    const [json, yml, sniffed] = await Promise.all([read('hub.json'), read('hub.yml'), read('hub-no-ext')]);
    expect(yml.hub).toEqual(json.hub);
    expect(sniffed.hub).toEqual(json.hub);
  });

  test('detects the format from the extension, then the content', () => {
    expect(detectFormat('a.JSON', 'x: 1')).toBe('json');
    expect(detectFormat('a.yaml', '{}')).toBe('yaml');
    expect(detectFormat('hub', '  {"azure": {}}')).toBe('json');
    expect(detectFormat('hub', 'azure: {}')).toBe('yaml');
  });

  test('a missing file names the default and what to do', async () => {
    const e = await rejection(read());
    expect(e.code).toBe('HubNotFound');
    expect(e.message).toBe('no hub file at tunnelsmith.yaml');
    expect(e.hint).toMatch(/--file/);
    expect((await rejection(read('nope/hub.yaml'))).message).toBe('no hub file at nope/hub.yaml');
  });

  test('a folder is refused', async () => {
    mkdirSync(path.join(dir, 'sub'));
    expect((await rejection(read('sub'))).code).toBe('HubUnreadable');
  });

  test('the 1 MiB limit holds for a file of any kind: a FIFO and a device are refused at once, never read', async () => {
    execFileSync('mkfifo', [path.join(dir, 'hub.fifo')]);
    // No writer ever opens the FIFO: reading it would wait forever, and a writer could stream without end.
    const fifo = await rejection(read('hub.fifo'));
    expect(fifo.code).toBe('HubUnreadable');
    expect(fifo.message).toBe('hub.fifo is not a regular file (a pipe, device or socket)');
    const dev = await rejection(read('/dev/zero'));
    expect(dev.message).toBe('/dev/zero is not a regular file (a pipe, device or socket)');
    write('big.yaml', `# ${'x'.repeat(1024 * 1024)}\n`);
    expect((await rejection(read('big.yaml'))).message).toBe('big.yaml is larger than 1 MiB; a hub file is a few kilobytes');
  });

  test('YAML syntax errors carry line and column and never quote the text', async () => {
    write('bad.yaml', 'azure:\n  resourceGroup: rg\n  location: "centralus\n');
    const e = await rejection(read('bad.yaml'));
    expect(e.code).toBe('HubSyntax');
    const p = e.problems[0] as LocatedProblem;
    expect(p.path).toBe('bad.yaml');
    expect(p.line).toBeGreaterThanOrEqual(3);
    expect(p.message).toMatch(new RegExp(`^line ${p.line}, column ${p.column}: `));
    expect(p.message).not.toContain('centralus');
  });

  test('a key given twice is a syntax error (no silent override)', async () => {
    write('dup.yaml', SEED_YAML.replace('  location: centralus\n', '  location: centralus\n  location: westeurope\n'));
    const e = await rejection(read('dup.yaml'));
    expect(e.code).toBe('HubSyntax');
    expect((e.problems[0] as LocatedProblem).line).toBe(5);
  });

  test('JSON syntax errors carry a position and never quote the text', async () => {
    write('bad.json', '{\n  "azure": {\n    "resourceGroup": "S3cr3t-looking",\n  }\n}\n');
    const e = await rejection(read('bad.json'));
    expect(e.code).toBe('HubSyntax');
    expect(e.problems[0].message).toMatch(/invalid JSON/);
    expect(JSON.stringify(e.problems) + e.message).not.toContain('S3cr3t');
    expect((e.problems[0] as LocatedProblem).line).toBeGreaterThanOrEqual(3);
  });

  test('validation problems are all attached, with the line of the value they name', async () => {
    const text = SEED_YAML.replace('sku: VpnGw1AZ', 'sku: Basic').replace('publicIp: 40.50.60.70', 'publicIp: 40.50.60.70\n    bgp: { asn: 65515, peerIp: 192.168.255.1 }\n    colour: blue');
    write('hub.yaml', text);
    const e = await rejection(read('hub.yaml'));
    expect(e.code).toBe('HubInvalid');
    expect(e.message).toBe('hub.yaml is not a valid hub file: 3 error(s)');
    const byPath = Object.fromEntries((e.problems as LocatedProblem[]).map((p) => [p.path, p]));
    const lines = text.split('\n');
    const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
    expect(byPath['azure.vpnGateway.sku'].line).toBe(lineOf('sku: Basic'));
    expect(byPath['sites[0].bgp.asn'].line).toBe(lineOf('asn: 65515'));
    expect(byPath['sites[0].colour'].line).toBe(lineOf('colour: blue'));
  });

  test('a missing key points at its parent; a whole-file problem uses the file name', async () => {
    write('hub.yaml', SEED_YAML.replace('    sku: VpnGw1AZ\n', ''));
    const e = await rejection(read('hub.yaml'));
    const p = e.problems.find((x) => x.path === 'azure.vpnGateway.sku') as LocatedProblem;
    expect(p.line).toBe(SEED_YAML.split('\n').findIndex((l) => l.includes('name: ra-hybrid-vpn-vgw')) + 1);
    write('empty.yaml', '# nothing yet\n');
    const empty = await rejection(read('empty.yaml'));
    expect(empty.problems).toEqual([expect.objectContaining({ path: 'empty.yaml', message: expect.stringMatching(/map of keys|empty/) })]);
  });

  test('warnings come back with the hub', async () => {
    write('hub.yaml', SEED_YAML.replace('    sharedKey:', '    ipsecPolicy: azure-default\n    sharedKey:'));
    const loaded = await read('hub.yaml');
    expect(loaded.warnings).toEqual([expect.objectContaining({ path: 'sites[0].ipsecPolicy', severity: 'warning', line: 17 })]);
  });

  test('YAML 1.2 core: "no" stays a string and aliases are bounded', async () => {
    write('hub.yaml', SEED_YAML.replace('sku: VpnGw1AZ', 'sku: VpnGw1AZ\n    activeActive: no'));
    const e = await rejection(read('hub.yaml'));
    expect(e.problems).toEqual([expect.objectContaining({ path: 'azure.vpnGateway.activeActive', message: 'must be true or false, not a string' })]);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join('\n');
    write('bomb.yaml', bomb);
    expect((await rejection(read('bomb.yaml'))).code).toBe('HubSyntax');
  });
});
