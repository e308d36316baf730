/**
 * Small things a user reads: a problem in the hub file states its place once (file:line:col, the same
 * in every command); validate warns when no subscription is set.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exec } from '../../src/cli/exec';
import { ExitCode } from '../../src/errors';
import { captureIo, lastJson } from '../support/cli';
import { minimalHubYaml, SUB } from '../support/hubs';

const HUB = (subscription: string) => minimalHubYaml(`  - name: hq
    device: strongswan
    publicIp: 40.50.60.70
    addressSpace: [192.168.0.0/16]
`, subscription);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ts-messages-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[], env: NodeJS.ProcessEnv = { AZURE_SUBSCRIPTION_ID: SUB }) {
  const io = captureIo(dir, env);
  const code = await exec(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('a problem in the hub file states its place once', () => {
  test.each([
    ['YAML syntax', 'broken.yaml', 'azure:\n  foo: [\n', /^broken\.yaml:3:1: error: Flow sequence in block collection must be sufficiently indented and end with a \] \(fix: correct the YAML syntax there/],
    ['JSON syntax', 'broken.json', '{\n  "azure": {\n    "resourceGroup": "rg",\n  }\n}\n', /^broken\.json:4:3: error: invalid JSON \(fix: correct the JSON there/],
    ['a rule', 'bad.yaml', HUB('').replace('sku: VpnGw1AZ', 'sku: Basic'), /^bad\.yaml:10:10: error: azure\.vpnGateway\.sku: /],
  ])('%s: the same line in validate, render and deploy', async (_what, file, text, line) => {
    writeFileSync(path.join(dir, file), text);
    for (const command of ['validate', 'render', 'deploy', 'verify']) {
      const r = await run([command, '--file', file]);
      expect(r.code).toBe(ExitCode.invalidInput);
      const problems = r.err.split('\n').filter((l) => l.startsWith(`${file}:`));
      expect({ command, problems: problems.length }).toEqual({ command, problems: 1 });
      expect(problems[0]).toMatch(line);
      // The place is said once: not again as "line N, column M", nor the file name as the path.
      expect(r.err).not.toMatch(/line \d+, column \d+/);
      expect(r.err).not.toContain(`error: ${file}:`);
      const json = await run([command, '--file', file, '--json']);
      const error = lastJson(json.out);
      expect(error).toMatchObject({ event: 'error', exitCode: 3, problems: [expect.objectContaining({ file, line: Number(problems[0]!.split(':')[1]), column: Number(problems[0]!.split(':')[2]) })] });
    }
  });
});

describe('validate and the subscription', () => {
  test('warns when neither the hub file nor AZURE_SUBSCRIPTION_ID names one (still valid, exit 0)', async () => {
    writeFileSync(path.join(dir, 'tunnelsmith.yaml'), HUB(''));
    const none = await run(['validate'], {});
    expect(none.code).toBe(ExitCode.ok);
    expect(none.err).toBe('warning: azure.subscriptionId: no subscription is set (neither here nor in AZURE_SUBSCRIPTION_ID): deploy and every other command that reaches Azure will stop (fix: add azure.subscriptionId to the hub file, or export AZURE_SUBSCRIPTION_ID)\n');
    const json = await run(['validate', '--json'], {});
    expect(JSON.parse(json.out).problems).toEqual([{ severity: 'warning', path: 'azure.subscriptionId', message: expect.stringMatching(/^no subscription is set/), fix: 'add azure.subscriptionId to the hub file, or export AZURE_SUBSCRIPTION_ID' }]);
    expect((await run(['validate'], { AZURE_SUBSCRIPTION_ID: SUB })).err).toBe('');
  });

  test('no warning when the hub file names it', async () => {
    writeFileSync(path.join(dir, 'tunnelsmith.yaml'), HUB(`  subscriptionId: ${SUB}\n`));
    const r = await run(['validate'], {});
    expect(r.code).toBe(ExitCode.ok);
    expect(r.err).toBe('');
  });
});
