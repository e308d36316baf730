/**
 * Static tokens against the emulator, as CI uses them: one audience each (the emulator issues and checks
 * tokens per audience, with their exp), a JWT that expires before the deploy can end is refused before
 * any write, and a token file that CI refreshes carries a run past its first token's expiry.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { exec } from '../../../src/cli/exec';
import { ExitCode } from '../../../src/errors';
import { captureIo } from '../../support/cli';
import { emulatorEnv } from '../../support/cli';
import { seedCircuit, startHarness, type Harness } from '../../support/emulator';
import { demoHub } from '../../support/hubs';

let h: Harness;
let base: NodeJS.ProcessEnv;
beforeAll(async () => {
  h = await startHarness({ durations: { gatewayMs: 400 } });
  base = await emulatorEnv(h);
});
afterAll(async () => {
  await h.close();
});

async function hubFile(rg: string, over: (hub: ReturnType<typeof demoHub>) => void = () => undefined): Promise<string> {
  const hub = demoHub({ rg });
  hub.azure.expressRoute!.circuitId = seedCircuit(h, `${rg}-provider`);
  over(hub);
  const file = path.join(h.dir, `${rg}.yaml`);
  await fs.writeFile(file, stringify(hub));
  return file;
}

async function run(args: string[], env: NodeJS.ProcessEnv) {
  const io = captureIo(h.dir, env);
  const code = await exec(args, io);
  return { code, out: io.out(), err: io.err() };
}

test('a static ARM JWT that expires before the plan\'s estimated end (+10 min) is refused before any write (exit 2)', async () => {
  const file = await hubFile('short-rg');
  const { token } = h.emu.control.issueToken('arm', 30 * 60);
  h.emu.control.clearRequestLog();
  const r = await run(['deploy', '--file', file], { ...base, TUNNELSMITH_ARM_TOKEN: token });
  expect(r.code).toBe(ExitCode.usage);
  expect(r.err).toMatch(/error \[TokenExpiresTooSoon\]: TUNNELSMITH_ARM_TOKEN expires in 30 min \(at .*\), before this deploy can end: estimated \d+ min at Azure's documented durations, plus a 10 min margin; nothing was written/);
  expect(r.err).toMatch(/TUNNELSMITH_ARM_TOKEN_FILE/);
  expect(h.writes()).toEqual([]);
  expect(r.err).not.toContain(token);
  // Nothing to create or change: a short token is enough.
  const long = h.emu.control.issueToken('arm', 3 * 3600);
  expect((await run(['deploy', '--file', file], { ...base, TUNNELSMITH_ARM_TOKEN: long.token })).code).toBe(ExitCode.ok);
  h.emu.control.clearRequestLog();
  const again = await run(['deploy', '--file', file], { ...base, TUNNELSMITH_ARM_TOKEN: token });
  expect(again.code).toBe(ExitCode.ok);
  expect(h.writes()).toEqual([]);
});

test('destroy refuses a static ARM JWT that expires before the deletions can end, before the question and any delete', async () => {
  const file = await hubFile('destroy-short-rg');
  const long = h.emu.control.issueToken('arm', 3 * 3600);
  expect((await run(['deploy', '--file', file], { ...base, TUNNELSMITH_ARM_TOKEN: long.token })).code).toBe(ExitCode.ok);
  const { token } = h.emu.control.issueToken('arm', 30 * 60);
  h.emu.control.clearRequestLog();
  const r = await run(['destroy', '--yes', '--file', file], { ...base, TUNNELSMITH_ARM_TOKEN: token });
  expect(r.code).toBe(ExitCode.usage);
  // Connections (2 min), the two gateways one after the other (45 min each), then two stages of 1 min.
  expect(r.err).toMatch(/error \[TokenExpiresTooSoon\]: TUNNELSMITH_ARM_TOKEN expires in 30 min \(at .*\), before this destroy can end: estimated 94 min at Azure's documented durations, plus a 10 min margin; nothing was written/);
  expect(h.writes()).toEqual([]);
  expect(r.err + r.out).not.toContain(token);
  const done = await run(['destroy', '--yes', '--file', file], { ...base, TUNNELSMITH_ARM_TOKEN: long.token });
  expect(done.code).toBe(ExitCode.ok);
  expect(done.out).toMatch(/^Deleted \d+ resource\(s\) of destroy-short-rg/m);
});

test('a token file refreshed by CI carries the deploy past the first token\'s expiry (read again on 401)', async () => {
  const file = await hubFile('file-rg');
  const tokenFile = path.join(h.dir, 'arm-token');
  const first = h.emu.control.issueToken('arm', 20 * 60);
  await fs.writeFile(tokenFile, `${first.token}\n`, { mode: 0o600 });
  h.emu.control.clearRequestLog();
  const running = run(['deploy', '--file', file], { ...base, TUNNELSMITH_ARM_TOKEN: undefined, TUNNELSMITH_ARM_TOKEN_FILE: tokenFile });
  // Once the first gateway is being created: the first token ends, CI writes the next one.
  for (let i = 0; i < 500 && !h.emu.control.requestLog().some((e) => e.method === 'PUT' && /virtualNetworkGateways/.test(e.path)); i++) await new Promise((r) => setTimeout(r, 10));
  const second = h.emu.control.issueToken('arm', 3600);
  await fs.writeFile(tokenFile, `${second.token}\n`);
  expect(h.emu.control.expireToken(first.token)).toBe(true);
  const r = await running;
  expect([r.code, r.err.split('\n').filter((l) => /^error/.test(l))]).toEqual([ExitCode.ok, []]);
  const log = h.emu.control.requestLog();
  expect(log.filter((e) => e.status === 401).length).toBeGreaterThan(0);
  expect(await h.api.getConnection('file-rg', 'ra-hybrid-er-cn')).toMatchObject({ provisioningState: 'Succeeded' });
});

test('a { keyVault } reference with a static ARM token and no vault token: exit 3 naming TUNNELSMITH_VAULT_TOKEN, nothing written', async () => {
  const file = await hubFile('kv-rg', (hub) => {
    hub.sites[0].sharedKey = { keyVault: { vaultName: 'kv1', secretName: 'hq-psk' } };
  });
  h.emu.control.clearRequestLog();
  const r = await run(['deploy', '--file', file], { ...base, TUNNELSMITH_VAULT_ENDPOINT: h.emu.vaultEndpoint });
  expect(r.code).toBe(ExitCode.invalidInput);
  expect(r.err).toMatch(/sites\[0\]\.sharedKey: Key Vault secret hq-psk cannot be read: TUNNELSMITH_ARM_TOKEN \/ TUNNELSMITH_ARM_TOKEN_FILE is an ARM token, which Key Vault refuses \(a token serves one audience\), and no TUNNELSMITH_VAULT_TOKEN is set/);
  expect(h.writes()).toEqual([]);
  expect(h.emu.control.requestLog().filter((e) => e.service === 'vault')).toEqual([]);
});

test('both forms of one token: a usage error (2) before anything is sent', async () => {
  const file = await hubFile('both-rg');
  const tokenFile = path.join(h.dir, 'both-token');
  await fs.writeFile(tokenFile, 'whatever\n');
  h.emu.control.clearRequestLog();
  const r = await run(['deploy', '--plan', '--file', file], { ...base, TUNNELSMITH_ARM_TOKEN_FILE: tokenFile });
  expect(r.code).toBe(ExitCode.usage);
  expect(r.err).toMatch(/TUNNELSMITH_ARM_TOKEN and TUNNELSMITH_ARM_TOKEN_FILE are both set/);
  expect(h.emu.control.requestLog()).toEqual([]);
});
