/**
 * `--json`: every command prints one JSON document per line on stdout (NDJSON: progress events, the
 * result), and an error is one JSON object (`code`, `exitCode`, `message`, `problems`, `hint`) as the
 * last line, so a script never parses prose. Each command once on success and once on an error,
 * against the emulator, in the order a user works.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allCommands } from '../../src/cli/commands';
import { runDemo } from '../../src/cli/commands/demo';
import { runEmulator } from '../../src/cli/commands/emulator';
import { exec } from '../../src/cli/exec';
import { ExitCode } from '../../src/errors';
import { captureIo } from '../support/cli';
import { emulatorEnv } from '../support/cli';
import { seedCircuit, startHarness, type Harness } from '../support/emulator';

const DEMO_HUB = path.resolve(__dirname, '..', '..', 'fixtures', 'demo', 'hub.yaml');
const RG = 'ra-hybrid-vpn-er-rg';
const FAST = ['--confirm-interval', '0.02', '--confirm-timeout', '20'];

let h: Harness;
let env: NodeJS.ProcessEnv;
/** The commands seen on success and on an error, to check that none was left out. */
const seen = { ok: new Set<string>(), error: new Set<string>() };

interface Result {
  code: number;
  lines: Record<string, unknown>[];
}

/** Every line of stdout is one JSON object naming its event; nothing else is there. */
function ndjson(out: string): Record<string, unknown>[] {
  expect(out.endsWith('\n')).toBe(true);
  return out
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const doc = JSON.parse(line) as Record<string, unknown>;
      expect(doc).toEqual(expect.objectContaining({ event: expect.any(String) }));
      return doc;
    });
}

async function run(argv: string[], cwd = h.dir): Promise<Result> {
  const io = captureIo(cwd, env);
  const code = await exec([...argv, '--json'], io);
  return { code, lines: ndjson(io.out()) };
}

/** A success: the result last, no error line. */
function ok(command: string, r: Result, event: string, code: number = ExitCode.ok): Record<string, unknown> {
  expect({ command, code: r.code }).toEqual({ command, code });
  expect(r.lines.map((l) => l.event)).not.toContain('error');
  const last = r.lines[r.lines.length - 1] as Record<string, unknown>;
  expect(last.event).toBe(event);
  seen.ok.add(command);
  return last;
}

/** An error: one error object, the last line, with the exit code the process returns. */
function failed(command: string, r: Result, code: string, exitCode: number): Record<string, unknown> {
  expect({ command, code: r.code }).toEqual({ command, code: exitCode });
  const last = r.lines[r.lines.length - 1] as Record<string, unknown>;
  expect(last).toEqual({ event: 'error', code, exitCode, message: expect.any(String), problems: expect.any(Array), ...('hint' in last ? { hint: expect.any(String) } : {}) });
  expect(r.lines.filter((l) => l.event === 'error')).toHaveLength(1);
  seen.error.add(command);
  return last;
}

beforeAll(async () => {
  h = await startHarness();
  seedCircuit(h, RG);
  env = await emulatorEnv(h);
  await fs.copyFile(DEMO_HUB, path.join(h.dir, 'tunnelsmith.yaml'));
  await fs.writeFile(path.join(h.dir, 'bad.yaml'), (await fs.readFile(DEMO_HUB, 'utf8')).replace('sku: VpnGw1AZ', 'sku: Basic'));
  await fs.writeFile(path.join(h.dir, 'no-circuit.yaml'), (await fs.readFile(DEMO_HUB, 'utf8')).replace(/expressRouteCircuits\/ra-hybrid-vpn-er-erc/, 'expressRouteCircuits/nobody-ordered-this'));
}, 60_000);
afterAll(async () => {
  await h.close();
});

test('validate', async () => {
  const good = ok('validate', await run(['validate']), 'validated');
  expect(good).toMatchObject({ valid: true, file: 'tunnelsmith.yaml', hub: `${RG}/ra-hybrid-vpn-er-vnet` });
  const bad = failed('validate', await run(['validate', '--file', 'bad.yaml']), 'HubInvalid', ExitCode.invalidInput);
  expect(bad.problems).toEqual([expect.objectContaining({ severity: 'error', path: 'azure.vpnGateway.sku', file: 'bad.yaml', line: expect.any(Number), column: expect.any(Number), fix: expect.any(String) })]);
  expect(bad.hint).toBe('fix the problems listed above, then run tunnelsmith validate --file bad.yaml');
});

test('before deploying: facts, verify and render answer "not ready"; bundle names an unknown site', async () => {
  for (const command of ['facts', 'verify', 'render']) failed(command, await run([command]), 'NotDeployed', ExitCode.notReady);
  const site = failed('bundle', await run(['bundle', '--site', 'nope']), 'UnknownSite', ExitCode.usage);
  expect(site).toMatchObject({ message: 'no site named "nope" in tunnelsmith.yaml', hint: 'use one of: hq' });
});

test('deploy: progress events, then the result; a circuit that does not exist is an Azure error', async () => {
  const missing = failed('deploy', await run(['deploy', '--file', 'no-circuit.yaml']), 'CircuitNotFound', ExitCode.azure);
  expect(missing.problems).toEqual([]);
  const r = await run(['deploy']);
  ok('deploy', r, 'deployed');
  const progress = r.lines.filter((l) => l.event === 'progress');
  expect(progress.length).toBeGreaterThan(10);
  for (const p of progress) expect(p).toEqual(expect.objectContaining({ type: expect.any(String), time: expect.any(String) }));
  expect(r.lines.map((l) => l.event)).toEqual([...progress.map(() => 'progress'), 'deployed']);
  // A usage error is a JSON error too.
  const usage = failed('deploy', await run(['deploy', '--plna']), 'Usage', ExitCode.usage);
  expect(usage).toMatchObject({ message: 'Unknown argument: plna', hint: 'run tunnelsmith deploy --help for usage' });
});

test('facts, verify, render, bundle once deployed', async () => {
  ok('facts', await run(['facts']), 'facts');
  // The appliance announces its prefixes over BGP (its local network gateway lists none).
  h.emu.control.setSiteAdvertisedPrefixes('ra-hybrid-vpn-cn', ['192.168.0.0/16']);
  expect(ok('verify', await run(['verify']), 'verify')).toMatchObject({ ready: true });
  expect(ok('render', await run(['render', '--device', 'all']), 'rendered')).toMatchObject({ redacted: false, sites: [expect.objectContaining({ site: 'hq' })] });
  expect(ok('bundle', await run(['bundle', '--device', 'all', '--diff']), 'diff')).toMatchObject({ changed: false });
  const edited = await run(['render', '--device', 'all', '--facts', 'no-such-facts.json']);
  failed('render', edited, 'FactsNotFound', ExitCode.invalidInput);
});

test('rotate-key: progress per site, the result with the next steps; a refused site is the error line', async () => {
  const refused = failed('rotate-key', await run(['rotate-key', 'apply', '--site', 'hq', ...FAST]), 'NothingPrepared', ExitCode.usage);
  expect(refused.message).toMatch(/^hq: /);
  const r = await run(['rotate-key', 'prepare', '--site', 'hq']);
  const result = ok('rotate-key', r, 'rotate-key');
  expect(r.lines.filter((l) => l.event === 'progress').length).toBeGreaterThan(0);
  expect(r.lines.filter((l) => l.event === 'progress').every((l) => l.site === 'hq' && typeof l.step === 'string')).toBe(true);
  expect(result).toMatchObject({ action: 'prepare', exitCode: 0, sites: [expect.objectContaining({ site: 'hq', state: 'prepared' })], next: expect.arrayContaining([expect.stringMatching(/^send out\/next\/hq\//)]) });
  expect(JSON.stringify(r.lines)).not.toMatch(/"(current|pending|previous)":"[A-Za-z0-9]{48}"/);
  ok('rotate-key', await run(['rotate-key', 'abort', '--site', 'hq']), 'rotate-key');
});

test('import', async () => {
  expect(ok('import', await run(['import', '-g', RG, '--out', 'imported.yaml']), 'imported')).toMatchObject({ file: 'imported.yaml', sites: ['ra-hybrid-vpn-cn'] });
  failed('import', await run(['import', '-g', RG, '--out', 'imported.yaml']), 'FileExists', ExitCode.usage);
});

test('completion', async () => {
  expect(ok('completion', await run(['completion', 'bash']), 'completion')).toMatchObject({ shell: 'bash', script: expect.stringContaining('complete -o default -F _tunnelsmith_complete tunnelsmith') });
  failed('completion', await run(['completion', 'fish']), 'Usage', ExitCode.usage);
});

test('emulator: started, then stopped; a bad port is a JSON error', async () => {
  const io = captureIo(h.dir, {});
  let stop!: () => void;
  const stopped = new Promise<string>((resolve) => (stop = () => resolve('SIGINT')));
  const running = runEmulator({ port: 0, 'vault-port': 0, 'retry-after': 0, 'refuse-concurrent-gateways': false, json: true }, io, () => stopped);
  for (let i = 0; i < 500 && !io.out().includes('\n'); i++) await new Promise((r) => setTimeout(r, 10));
  stop();
  expect(await running).toBe(ExitCode.ok);
  const lines = ndjson(io.out());
  expect(lines.map((l) => l.event)).toEqual(['started', 'stopped']);
  expect(lines[0]).toMatchObject({ endpoint: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/), caFile: expect.any(String), token: expect.any(String) });
  seen.ok.add('emulator');
  failed('emulator', await run(['emulator', '--port', '70000']), 'InvalidOption', ExitCode.usage);
});

test('demo: the whole job as JSON lines, the summary last', async () => {
  const cwd = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-demo-json-'));
  try {
    const io = captureIo(cwd, { TUNNELSMITH_POLL_INTERVAL_MS: '10' });
    const fast = { durations: { gatewayMs: 150, connectionMs: 50, setSharedKeyMs: 10, defaultMs: 5 }, retryAfterSeconds: 0, busyPollMs: 20 };
    expect(await runDemo({ out: 'out', 'gateway-seconds': 0, json: true, debug: false }, io, fast)).toBe(ExitCode.ok);
    const lines = ndjson(io.out());
    expect(lines.map((l) => l.event).filter((e) => e !== 'progress')).toEqual(['circuitOrdered', 'deployed', 'deployed', 'rendered', 'verify', 'demo']);
    expect(lines[lines.length - 1]).toMatchObject({ event: 'demo', ready: true, out: 'out' });
    seen.ok.add('demo');
  } finally {
    await fs.rm(cwd, { recursive: true, force: true });
  }
  failed('demo', await run(['demo', '--gateway-seconds', 'soon']), 'NotANumber', ExitCode.usage);
}, 60_000);

test('destroy: a missing confirmation is a JSON error; --yes deletes and says so', async () => {
  failed('destroy', await run(['destroy']), 'ConfirmationNeeded', ExitCode.usage);
  const r = await run(['destroy', '--yes']);
  expect(ok('destroy', r, 'destroyed')).toMatchObject({ hub: `${RG}/ra-hybrid-vpn-er-vnet`, deleted: expect.arrayContaining([expect.any(String)]) });
  expect(r.lines[0]).toMatchObject({ event: 'plan' });
});

test('every command was seen on success and on an error', () => {
  const names = allCommands().map((c) => c.command.split(' ')[0]).sort();
  expect([...seen.ok].sort()).toEqual(names);
  expect([...seen.error].sort()).toEqual(names);
});
