/** A real `tunnelsmith deploy` process killed with SIGKILL in the middle of a gateway operation, then resumed. */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { EMBEDDED_DEMO_HUB } from '../../../src/cli/commands/demo';
import { readHub } from '../../../src/io/readHub';
import { TS_REGISTER } from '../../support/cli';
import { seedCircuit, startHarness, writesTo, type Harness } from '../../support/emulator';

const ROOT = path.resolve(__dirname, '..', '..', '..');
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ durations: { gatewayMs: 800, connectionMs: 100 } });
});
afterAll(async () => {
  await h.close();
});

async function until(what: string, fn: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('SIGKILL during the ExpressRoute gateway creation; deploy again resumes without re-creating it', async () => {
  const rg = 'kill-rg';
  seedCircuit(h, rg);
  const hubFile = path.join(h.dir, 'hub.yaml');
  await fs.writeFile(hubFile, EMBEDDED_DEMO_HUB.replace(/ra-hybrid-vpn-er-rg/g, rg));
  const caFile = path.join(h.dir, 'ca.pem');
  await fs.writeFile(caFile, h.emu.caPem);

  const script = `require(${JSON.stringify(path.join(ROOT, 'src/cli/exec'))}).exec(['deploy', '--file', ${JSON.stringify(hubFile)}], { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: ${JSON.stringify(h.dir)} }).then((c) => { process.exitCode = c; })`;
  const child = spawn(process.execPath, ['-r', TS_REGISTER, '-e', script], {
    cwd: h.dir,
    env: { PATH: process.env.PATH ?? '', HOME: h.dir, TUNNELSMITH_ARM_ENDPOINT: h.emu.endpoint, TUNNELSMITH_ARM_TOKEN: h.emu.token, TUNNELSMITH_CA_FILE: caFile, TUNNELSMITH_POLL_INTERVAL_MS: '20' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

  await until('the ExpressRoute gateway to be Updating', async () => (await h.api.getGateway(rg, 'ra-hybrid-er-vgw'))?.provisioningState === 'Updating', 20_000);
  child.kill('SIGKILL');
  expect(await exited).toEqual({ code: null, signal: 'SIGKILL' });
  expect(output).toMatch(/start +create ExpressRoute gateway ra-hybrid-er-vgw/);
  expect((await h.api.getGateway(rg, 'ra-hybrid-er-vgw'))!.provisioningState).toBe('Updating');
  // The two gateways are built at once: the VPN gateway may be on its way too.
  const vpnStarted = (await h.api.getGateway(rg, 'ra-hybrid-vpn-vgw')) !== undefined;

  h.emu.control.clearRequestLog();
  const { hub } = await readHub({ file: hubFile, cwd: h.dir });
  const report = await h.deploy(hub);
  expect(report.changes.find((c) => c.resource.key === 'erGateway:ra-hybrid-er-vgw')!.action).toBe('wait');
  // The ER gateway was waited for, never PUT again; the VPN gateway was created only if the killed run had not.
  expect(h.writes().filter((w) => w.method === 'PUT' && /virtualNetworkGateways\/ra-hybrid-er-vgw$/.test(w.path))).toEqual([]);
  expect(writesTo(h, 'PUT', 'virtualNetworkGateways')).toBe(vpnStarted ? 0 : 1);
  expect((await h.api.getConnection(rg, 'ra-hybrid-vpn-cn'))!.provisioningState).toBe('Succeeded');
  h.emu.control.clearRequestLog();
  await h.deploy(hub);
  expect(h.writes()).toEqual([]);
});
