import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../../src/errors';
import { parseFacts, readFactsFile, serializeFacts, writeFactsFile } from '../../src/io/factsFile';
import type { AzureFacts } from '../../src/facts/types';

const KEY = 'TestKey7Qm2Xr9Lp4Wd8Zn3Bv6Hc1Jt5Fs0Gk2Ny7Ua4Ee9Ri';

function facts(): AzureFacts {
  return {
    version: 1,
    hub: 'rg/vnet',
    location: 'centralus',
    vnetAddressSpace: ['10.200.0.0/16'],
    vpnGateway: { name: 'vgw', asn: 65515, activeActive: false, sku: 'VpnGw1AZ', instances: [{ index: 0, publicIp: '203.0.113.4', defaultBgpIp: '10.200.255.254', apipaBgpIps: [] }] },
    expressRoute: { gatewayName: 'ergw', connected: true },
    sites: [{ name: 'hq', connectionName: 'cn', ipsecPolicy: 'azure-default', dpdTimeoutSeconds: 45, bgpEnabled: true, azureBgpIps: ['10.200.255.254'], connectionStatus: 'Connected', sharedKey: KEY }],
  };
}

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-facts-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('facts file', () => {
  test('without --include-secrets the key is stripped and the file is 0644', async () => {
    const file = path.join(dir, 'out', 'facts.json');
    const w = await writeFactsFile(file, facts(), { includeSecrets: false });
    expect(w.withKeys).toBe(false);
    const text = await fs.readFile(file, 'utf8');
    expect(text).not.toContain(KEY);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o644);
    const back = await readFactsFile(file);
    expect(back.sites[0].sharedKey).toBeUndefined();
    expect(back.vpnGateway.instances[0].publicIp).toBe('203.0.113.4');
  });

  test('with --include-secrets the key is kept and the file is 0600', async () => {
    const file = path.join(dir, 'facts.json');
    await writeFactsFile(file, facts(), { includeSecrets: true });
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFactsFile(file)).sites[0].sharedKey).toBe(KEY);
  });

  test('round trip is lossless', () => {
    expect(parseFacts(serializeFacts(facts(), true), 'f')).toEqual(facts());
  });

  test('wrong version names the version and the fix', () => {
    const e = catchError(() => parseFacts(JSON.stringify({ ...facts(), version: 7 }), 'old.json'));
    expect(e.code).toBe('FactsVersion');
    expect(e.message).toMatch(/old\.json has facts version 7; this tunnelsmith reads version 1/);
  });

  test('invalid values are listed by path, never echoing the value', () => {
    const bad = facts() as unknown as { sites: Array<Record<string, unknown>>; vpnGateway: { instances: Array<Record<string, unknown>> } };
    bad.vpnGateway.instances[0].publicIp = '203.0.113.4\nshutdown';
    bad.sites[0].sharedKey = 'has space inside';
    const e = catchError(() => parseFacts(JSON.stringify(bad), 'f.json'));
    expect(e.code).toBe('FactsInvalid');
    expect(e.problems.map((p) => p.path).sort()).toEqual(['facts.sites[0].sharedKey', 'facts.vpnGateway.instances[0].publicIp']);
    expect(JSON.stringify(e.problems)).not.toContain('has space inside');
  });

  test('missing file and bad JSON are clear InputErrors', async () => {
    await expect(readFactsFile(path.join(dir, 'nope.json'))).rejects.toMatchObject({ code: 'FactsNotFound' });
    await fs.writeFile(path.join(dir, 'bad.json'), '{');
    await expect(readFactsFile(path.join(dir, 'bad.json'))).rejects.toMatchObject({ code: 'FactsInvalid' });
  });
});

function catchError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}
