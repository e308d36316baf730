/** `tunnelsmith validate` through the real CLI entry (exec), with captured output. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { exec } from '../../src/cli/exec';
import { minimalHubYaml } from '../support/hubs';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tunnelsmith-validate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function sink(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as Writable & { text: () => string };
  w.text = () => chunks.join('');
  return w;
}

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout = sink();
  const stderr = sink();
  const code = await exec(argv, { stdout, stderr, env: { AZURE_SUBSCRIPTION_ID: '00000000-0000-0000-0000-000000000000', ...env }, cwd: dir });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const KEY = 'Sup3rSecretLettersAndDigits';

const GOOD_SITE = `  - name: hq
    device: strongswan
    publicIp: 40.50.60.70
    addressSpace: [192.168.0.0/16]
    sharedKey: { env: HQ_PSK }
`;

describe('tunnelsmith validate', () => {
  test('valid file: exit 0, a summary on stdout, no secret needed', async () => {
    writeFileSync(path.join(dir, 'tunnelsmith.yaml'), minimalHubYaml(GOOD_SITE));
    const r = await run(['validate']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^tunnelsmith\.yaml: valid hub rg1\/vnet1 with 1 site\(s\) \(hq\)$/m);
    expect(r.stdout).toMatch(/checked in form only/);
    expect(r.stderr).toBe('');
  });

  test('invalid file: exit 3, every problem with file:line:col on stderr', async () => {
    writeFileSync(path.join(dir, 'hub.yaml'), minimalHubYaml(GOOD_SITE.replace('device: strongswan', 'device: strongswan\n    bgp: { asn: 65515, peerIp: 40.50.60.70 }\n    colour: blue')));
    const r = await run(['validate', '--file', 'hub.yaml']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/^hub\.yaml:15:13: error: sites\[0\]\.colour: unknown key "colour"/),
      expect.stringMatching(/^hub\.yaml:14:17: error: sites\[0\]\.bgp\.asn: ASN 65515 is reserved/),
      expect.stringMatching(/^hub\.yaml:14:32: error: sites\[0\]\.bgp\.peerIp: .*public IP/),
      expect.stringMatching(/^error \[HubInvalid\]: hub\.yaml is not a valid hub file: 3 error\(s\)$/),
    ]));
  });

  test('--json reports valid, problems with positions, and the same exit code', async () => {
    writeFileSync(path.join(dir, 'tunnelsmith.yaml'), minimalHubYaml(GOOD_SITE.replace('    sharedKey', '    ipsecPolicy: azure-default\n    sharedKey')));
    const ok = await run(['validate', '--json']);
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout);
    expect(report).toMatchObject({ valid: true, file: 'tunnelsmith.yaml', hub: 'rg1/vnet1', sites: [{ name: 'hq', device: 'strongswan' }], secrets: { checked: false } });
    expect(report.problems).toEqual([expect.objectContaining({ severity: 'warning', path: 'sites[0].ipsecPolicy', line: 16 })]);
    writeFileSync(path.join(dir, 'tunnelsmith.yaml'), 'azure: [\n');
    const bad = await run(['validate', '--json']);
    expect(bad.code).toBe(3);
    expect(JSON.parse(bad.stdout)).toMatchObject({ event: 'error', code: 'HubSyntax', exitCode: 3, problems: [expect.objectContaining({ file: 'tunnelsmith.yaml', line: 2 })] });
  });

  test('a missing file: exit 3 with the next step', async () => {
    const r = await run(['validate']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/error \[HubNotFound\]: no hub file at tunnelsmith\.yaml/);
    expect(r.stderr).toMatch(/next: create tunnelsmith\.yaml/);
  });

  test('--resolve-secrets reads and checks keys but never prints them', async () => {
    const keyFile = path.join(dir, 'branch.psk');
    writeFileSync(keyFile, 'Has Space-And~Tilde\n');
    chmodSync(keyFile, 0o644);
    writeFileSync(path.join(dir, 'tunnelsmith.yaml'), minimalHubYaml(`${GOOD_SITE}  - name: branch
    device: strongswan
    publicIp: 198.51.100.20
    addressSpace: [172.16.0.0/16]
    sharedKey: { file: branch.psk }
`));
    const good = await run(['validate', '--resolve-secrets'], { HQ_PSK: KEY });
    expect(good.code).toBe(3);
    expect(good.stderr).toMatch(/warning: sites\[1\]\.sharedKey: the key file branch\.psk can be read by other users \(mode 0644\)/);
    expect(good.stderr).toMatch(/error: sites\[1\]\.sharedKey: the shared key contains a space, '-', '~'/);
    const json = await run(['validate', '--resolve-secrets', '--json'], { HQ_PSK: KEY });
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout.split('\n')[0]).secrets).toEqual({ checked: true, resolved: 1 });
    for (const out of [good.stdout, good.stderr, json.stdout, json.stderr]) {
      expect(out).not.toContain(KEY);
      expect(out).not.toContain('Has Space');
    }
    writeFileSync(keyFile, `${KEY}x\n`);
    chmodSync(keyFile, 0o600);
    const fixed = await run(['validate', '--resolve-secrets'], { HQ_PSK: KEY });
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toMatch(/secrets: 2 resolved and checked/);
    expect(fixed.stdout + fixed.stderr).not.toContain(KEY);
  });

  test('without --resolve-secrets a missing variable is not an error', async () => {
    writeFileSync(path.join(dir, 'tunnelsmith.yaml'), minimalHubYaml(GOOD_SITE));
    expect((await run(['validate'], {})).code).toBe(0);
    const r = await run(['validate', '--resolve-secrets'], {});
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/sites\[0\]\.sharedKey: environment variable HQ_PSK is not set \(fix: export HQ_PSK/);
  });
});
