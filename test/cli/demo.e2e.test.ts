/** `tunnelsmith demo` (npm start) in-process: the two-step circuit flow, read back, render all four devices, verify; twice. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runDemo } from '../../src/cli/commands/demo';
import { captureIo } from '../support/cli';

let cwd: string;
beforeAll(async () => {
  cwd = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-demo-'));
});
afterAll(async () => {
  await fs.rm(cwd, { recursive: true, force: true });
});

const fast = { durations: { gatewayMs: 150, connectionMs: 50, setSharedKeyMs: 10, defaultMs: 5 }, retryAfterSeconds: 0, busyPollMs: 20 };
const args = { out: 'out', 'gateway-seconds': 0, json: false, debug: false };

test('first run deploys, renders every device into ./out and is ready; the second run has nothing to change', async () => {
  const io = captureIo(cwd, { TUNNELSMITH_POLL_INTERVAL_MS: '10' });
  expect(await runDemo(args, io, fast)).toBe(0);
  const out = io.out();
  // The two-step circuit flow: ordered, deploy waits for the provider, the provider provisions, deploy connects.
  expect(out).toMatch(/Ordered ExpressRoute circuit ra-hybrid-vpn-er-erc \(Equinix, Silicon Valley, 50 Mbps\); service key [0-9a-f-]{36} \(not a secret\)/);
  expect(out).toMatch(/Deployed ra-hybrid-vpn-er-rg\/ra-hybrid-vpn-er-vnet: 7 write\(s\)[^]*Waiting: ExpressRoute connection ra-hybrid-er-cn: circuit ra-hybrid-vpn-er-erc is NotProvisioned at the provider/);
  expect(out).toMatch(/== the provider provisions the circuit[^]*Deployed ra-hybrid-vpn-er-rg\/ra-hybrid-vpn-er-vnet: 1 write\(s\) for 1 resource\(s\): create ExpressRoute connection ra-hybrid-er-cn\./);
  for (const f of ['out/hq/cisco-ios/', 'out/hq/juniper-srx/', 'out/hq/strongswan/swanctl.conf', 'out/hq/windows-rras/', 'out/hq/README.md']) expect(out).toContain(f);
  expect(out).toMatch(/Failover readiness: READY/);
  expect(out).toMatch(/emulator state +\.tunnelsmith\/emulator/);
  const swan = await fs.readFile(path.join(cwd, 'out/hq/strongswan/swanctl.conf'), 'utf8');
  expect(swan).toMatch(/203\.0\.113\.\d+/);
  const facts = JSON.parse(await fs.readFile(path.join(cwd, 'out/facts.json'), 'utf8'));
  expect(facts.sites[0].sharedKey).toBeUndefined();

  const again = captureIo(cwd, { TUNNELSMITH_POLL_INTERVAL_MS: '10' });
  expect(await runDemo(args, again, fast)).toBe(0);
  expect(again.out()).toMatch(/Nothing to change: ra-hybrid-vpn-er-rg\/ra-hybrid-vpn-er-vnet is as the hub file describes\./);
  expect(again.out()).not.toMatch(/Ordered|provider provisions/);
  expect(again.out()).toMatch(/Failover readiness: READY/);
});
