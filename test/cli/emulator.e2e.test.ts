/** The `emulator` command: prints endpoints, CA file and token, serves until stopped, refuses bad flags. */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runEmulator, type EmulatorArgs } from '../../src/cli/commands/emulator';
import { exec } from '../../src/cli/exec';
import type { CliIO } from '../../src/cli/command';
import { raw } from '../support/emulator';

function captureIO(env: NodeJS.ProcessEnv = {}, cwd = process.cwd()): { io: CliIO; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (c) => (o += c));
  stderr.on('data', (c) => (e += c));
  return { io: { stdout, stderr, env, cwd }, out: () => o, err: () => e };
}

const BASE: EmulatorArgs & { json: boolean; debug: boolean } = {
  port: 0,
  'vault-port': 0,
  'retry-after': 0,
  'refuse-concurrent-gateways': false,
  json: false,
  debug: false,
};

function deferred(): { promise: Promise<string>; resolve: (v: string) => void } {
  let resolve!: (v: string) => void;
  const promise = new Promise<string>((r) => (resolve = r));
  return { promise, resolve };
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

test('prints endpoint, vault endpoint, CA file and both tokens, serves ARM and the vault each with its own, and stops cleanly', async () => {
  const { io, out, err } = captureIO({ TUNNELSMITH_ARM_TOKEN: 'cli-token-1', TUNNELSMITH_VAULT_TOKEN: 'cli-vault-token-1' });
  const stop = deferred();
  const running = runEmulator({ ...BASE, 'gateway-ms': 5 }, io, () => stop.promise);
  await waitFor(() => out().includes('Press Ctrl+C'));
  const endpoint = /ARM endpoint:\s+(\S+)/.exec(out())![1];
  const caFile = /CA file:\s+(\S+)/.exec(out())![1];
  expect(endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  expect(out()).toMatch(/vault endpoint:\s+https:\/\/127\.0\.0\.1:\d+/);
  // The ARM line keeps its place and form; the vault token has a line of its own.
  expect(out()).toMatch(/^ {2}token: {11}cli-token-1$/m);
  expect(out()).toMatch(/^ {2}vault token: {5}cli-vault-token-1$/m);
  expect(out()).toContain('export TUNNELSMITH_ARM_TOKEN=cli-token-1\n');
  expect(out()).toContain('export TUNNELSMITH_VAULT_TOKEN=cli-vault-token-1\n');
  const caPem = readFileSync(caFile, 'utf8');
  expect(caPem).toContain('BEGIN CERTIFICATE');
  const emu = { endpoint, caPem, token: 'cli-token-1' } as never;
  const res = await raw(emu, 'PUT', '/subscriptions/s1/resourcegroups/rg1?api-version=2025-04-01', { location: 'westus' });
  expect(res.status).toBe(201);
  const vaultEndpoint = /vault endpoint:\s+(\S+)/.exec(out())![1];
  expect((await raw(emu, 'GET', '/secrets?api-version=7.6', undefined, { base: vaultEndpoint, token: 'cli-vault-token-1' })).status).toBe(200);
  expect((await raw(emu, 'GET', '/secrets?api-version=7.6', undefined, { base: vaultEndpoint, token: 'cli-token-1' })).status).toBe(401);
  expect((await raw(emu, 'GET', '/subscriptions/s1/resourcegroups?api-version=2025-04-01', undefined, { token: 'cli-vault-token-1' })).status).toBe(401);
  // Without --refuse-concurrent-gateways, gateways may be created at once.
  expect((await raw(emu, 'POST', '/__emulator/rules', {})).body.refuseConcurrentGateways).toBeFalsy();
  const durations = await raw(emu, 'GET', '/__emulator/durations');
  expect(durations.body.gatewayMs).toBe(5);
  stop.resolve('SIGTERM');
  expect(await running).toBe(0);
  expect(err()).toContain('SIGTERM received');
  // The temporary CA file of a memory-only run is removed.
  expect(() => statSync(caFile)).toThrow();
});

test('--state keeps the CA file and a provisioned circuit; --json prints one line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'emu-cmd-'));
  try {
    const circuitId = '/subscriptions/s1/resourceGroups/rg-er/providers/Microsoft.Network/expressRouteCircuits/erc1';
    for (let run = 0; run < 2; run++) {
      const { io, out } = captureIO({}, dir);
      const stop = deferred();
      const running = runEmulator({ ...BASE, json: true, state: 'emu', 'provisioned-circuit': [circuitId] }, io, () => stop.promise);
      await waitFor(() => out().includes('\n'));
      const info = JSON.parse(out().trim());
      expect(info.caFile).toBe(join(dir, 'emu', 'ca.pem'));
      expect(typeof info.vaultToken).toBe('string');
      expect(info.vaultToken).not.toBe(info.token);
      expect(info.circuits).toEqual([circuitId]);
      const emu = { endpoint: info.endpoint, caPem: readFileSync(info.caFile, 'utf8'), token: info.token } as never;
      const circuit = await raw(emu, 'GET', `${circuitId}?api-version=2025-05-01`);
      expect(circuit.body.properties.serviceProviderProvisioningState).toBe('Provisioned');
      stop.resolve('SIGINT');
      expect(await running).toBe(0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--refuse-concurrent-gateways switches the rule on', async () => {
  const { io, out } = captureIO();
  const stop = deferred();
  const running = runEmulator({ ...BASE, json: true, 'refuse-concurrent-gateways': true }, io, () => stop.promise);
  await waitFor(() => out().includes('\n'));
  const info = JSON.parse(out().trim());
  const emu = { endpoint: info.endpoint, caPem: readFileSync(info.caFile, 'utf8'), token: info.token } as never;
  expect((await raw(emu, 'POST', '/__emulator/rules', {})).body.refuseConcurrentGateways).toBe(true);
  stop.resolve('SIGTERM');
  expect(await running).toBe(0);
});

test('the same token for ARM and the vault is a usage error; --require-er-gateway-first no longer exists', async () => {
  const a = captureIO({ TUNNELSMITH_ARM_TOKEN: 'same', TUNNELSMITH_VAULT_TOKEN: 'same' });
  expect(await exec(['emulator'], a.io)).toBe(2);
  expect(a.err()).toContain('TUNNELSMITH_VAULT_TOKEN');
  const b = captureIO();
  expect(await exec(['emulator', '--require-er-gateway-first'], b.io)).toBe(2);
  expect(b.err()).toContain('require-er-gateway-first');
});

test('bad flags are usage errors (exit 2) naming the flag', async () => {
  const a = captureIO();
  expect(await exec(['emulator', '--port', '70000'], a.io)).toBe(2);
  expect(a.err()).toContain('--port');
  const b = captureIO();
  expect(await exec(['emulator', '--provisioned-circuit', 'not-an-id'], b.io)).toBe(2);
  expect(b.err()).toContain('--provisioned-circuit');
});

test('a port in use is a usage error; a corrupt state file is an input error naming the file', async () => {
  const { startEmulator } = await import('../../src/emulator');
  const other = await startEmulator();
  const dir = mkdtempSync(join(tmpdir(), 'emu-cmd-'));
  try {
    const port = Number(new URL(other.endpoint).port);
    const a = captureIO();
    expect(await exec(['emulator', '--port', String(port)], a.io)).toBe(2);
    expect(a.err()).toContain('PortInUse');
    const { writeFileSync, mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'st'));
    writeFileSync(join(dir, 'st', 'state.json'), '{not json');
    const b = captureIO({}, dir);
    expect(await exec(['emulator', '--state', 'st'], b.io)).toBe(3);
    expect(b.err()).toContain(join(dir, 'st', 'state.json'));
    expect(b.err()).toContain('delete it to start over');
  } finally {
    await other.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
