/**
 * `tunnelsmith demo` (what `npm start` runs): the whole job offline. Starts the ARM emulator in-process
 * (state under `.tunnelsmith/emulator`, gateway operations of a few seconds so progress shows), orders the
 * ExpressRoute circuit (not yet provisioned by the provider), deploys the demo hub (everything but the
 * ExpressRoute connection: exit 12, waiting for the provider), lets the emulator play the provider, deploys
 * again (the connection), reads it back, renders every registered device into `./out`, verifies, prints where
 * everything is, and stops the emulator. A second run finds nothing to change.
 */
import type { Argv } from 'yargs';
import { ExitCode } from '../../errors';
import { defineCommand, writeLine, type CliIO, type GlobalArgs } from '../command';
import { writeJsonLine } from '../output';
import { lockHub, withWaitLock, type WaitLockArgs } from '../lockOption';

export interface DemoArgs extends WaitLockArgs {
  out: string;
  'gateway-seconds': number;
}

/** The demo variant of the seed's reference hub; used when fixtures/demo/hub.yaml is not shipped. */
export const EMBEDDED_DEMO_HUB = `# The demo variant of the seed's reference hub (what \`npm start\` deploys to the built-in emulator):
# the seed's resources, with BGP on the site so \`verify\` can judge failover readiness.
azure:
  subscriptionId: 00000000-0000-0000-0000-000000000000
  resourceGroup: ra-hybrid-vpn-er-rg
  location: centralus
  vnet:
    name: ra-hybrid-vpn-er-vnet
    addressSpace: [10.200.0.0/16]
    gatewaySubnet: 10.200.255.224/27
    subnets:
      - { name: ra-hybrid-vpn-er-sn, prefix: 10.200.1.0/24 }
  vpnGateway:
    name: ra-hybrid-vpn-vgw
    sku: VpnGw1AZ
    activeActive: false
  expressRoute:
    gatewayName: ra-hybrid-er-vgw
    sku: ErGw1AZ
    circuitId: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ra-hybrid-vpn-er-rg/providers/Microsoft.Network/expressRouteCircuits/ra-hybrid-vpn-er-erc
    connectionName: ra-hybrid-er-cn
sites:
  - name: hq
    device: cisco-ios
    publicIp: 40.50.60.70
    addressSpace: [192.168.0.0/16]
    bgp: { asn: 65010, peerIp: 192.168.255.1 }
    localNetworkGatewayName: ra-hybrid-vpn-lgw
    connectionName: ra-hybrid-vpn-cn
`;

export const demoCommand = defineCommand<DemoArgs>({
  command: 'demo',
  describe: 'Run the whole job offline against the built-in ARM emulator (what npm start runs)',
  builder: (y) =>
    withWaitLock(y)
      .option('out', { type: 'string', default: 'out', describe: 'Where the rendered bundles go' })
      .option('gateway-seconds', { type: 'number', default: 4, describe: 'How long the emulated gateway operations take (Azure: 45 minutes)' })
      .example('$0 demo', 'Deploy the demo hub to the built-in emulator, render all devices into out/, verify (npm start)')
      .example('$0 demo --gateway-seconds 0', 'The same without the waits')
      .epilogue('Nothing reaches Azure and no credential is needed: the emulator runs inside this process and stops with it. Its state is in .tunnelsmith/ (delete it to start over).') as unknown as Argv<DemoArgs & GlobalArgs>,
  run: (args, io) => runDemo(args, io),
});

export interface DemoInjection {
  /** Milliseconds instead of seconds (tests). */
  durations?: { gatewayMs: number; connectionMs: number; setSharedKeyMs: number; defaultMs: number };
  retryAfterSeconds?: number;
  busyPollMs?: number;
}

export async function runDemo(args: DemoArgs & GlobalArgs, io: CliIO, inject: DemoInjection = {}): Promise<number> {
  const { promises: fs } = await import('node:fs');
  const path = await import('node:path');
  const { ensureDir } = await import('../../io/atomicWrite');

  const work = path.join(io.cwd, '.tunnelsmith');
  const stateDir = path.join(work, 'emulator');
  const hubFile = path.join(work, 'demo', 'hub.yaml');
  const hubText = await demoHubText(fs, path);
  // The demo's hub (and its emulator state, its key journal, ./out) is one run's at a time.
  const { parseAndValidateHub } = await import('../../io/readHub');
  const demoHub = parseAndValidateHub(hubText, 'demo hub', 'yaml').hub;
  if (!demoHub) throw new Error('the demo hub file does not validate');
  await ensureDir(work, 0o700);
  await ensureDir(path.dirname(hubFile), 0o755);
  const lock = await lockHub(args, io, { hubFile, resourceGroup: demoHub.azure.resourceGroup, vnet: demoHub.azure.vnet.name }, 'demo');
  try {
    return await demoLocked(args, io, inject, { stateDir, hubFile, hubText });
  } finally {
    lock.release();
  }
}

async function demoLocked(args: DemoArgs & GlobalArgs, io: CliIO, inject: DemoInjection, where: { stateDir: string; hubFile: string; hubText: string }): Promise<number> {
  const path = await import('node:path');
  const { startEmulator } = await import('../../emulator');
  const { staticTokenCredential } = await import('../../azure/client/credentials');
  const { ensureDir, writeFileAtomic } = await import('../../io/atomicWrite');
  const { stateDir, hubFile } = where;
  await ensureDir(stateDir, 0o700);
  await writeFileAtomic(hubFile, where.hubText, { mode: 0o644 });

  const gatewayMs = Math.max(0, Math.round(args['gateway-seconds'] * 1000));
  const emu = await startEmulator({
    stateDir,
    durations: inject.durations ?? { gatewayMs, connectionMs: Math.round(gatewayMs / 3), setSharedKeyMs: 500, defaultMs: 300 },
    retryAfterSeconds: inject.retryAfterSeconds ?? 1,
  });
  const say = (s = '') => {
    if (!args.json) writeLine(io.stdout, s);
  };
  try {
    say(`ARM emulator: ${emu.endpoint} (state ${path.relative(io.cwd, stateDir)}, CA ${emu.caFile ? path.relative(io.cwd, emu.caFile) : 'in memory'})`);
    const inj = { credential: staticTokenCredential(emu.token), vaultCredential: staticTokenCredential(emu.vaultToken, { audience: 'vault' as const }), ca: emu.caPem, armEndpoint: emu.endpoint, vaultEndpoint: emu.vaultEndpoint, busyPollMs: inject.busyPollMs ?? 1000, lockHeld: true };

    const { openHubSession } = await import('../azureOptions');
    const session = await openHubSession({ file: hubFile, json: args.json }, io, inj);
    const conn = await session.azure();
    // The seed's second step: the circuit is ordered (as its template does), the provider provisions it later.
    const circuitId = session.hub.azure.expressRoute?.circuitId;
    let orderedNow = false;
    if (circuitId && !(await conn.api.getCircuit(circuitId))) {
      const { parseArmId } = await import('../../azure/client/sdk');
      const c = parseArmId(circuitId)!;
      const location = session.hub.azure.location;
      if (!(await conn.api.getResourceGroup(c.resourceGroup))) await conn.api.putResourceGroup({ name: c.resourceGroup, location, tags: {} });
      const ordered = await conn.api.putCircuit(c.resourceGroup, { name: c.name, location, tags: {}, serviceProviderName: 'Equinix', peeringLocation: 'Silicon Valley', bandwidthInMbps: 50, skuTier: 'Premium', skuFamily: 'UnlimitedData' });
      say(`Ordered ExpressRoute circuit ${c.name} (Equinix, Silicon Valley, 50 Mbps); service key ${ordered.serviceKey} (not a secret); the provider has not provisioned it yet.`);
      if (args.json) writeJsonLine(io, 'circuitOrdered', { circuit: c.name, serviceKey: ordered.serviceKey, serviceKeyIsSecret: false });
      orderedNow = true;
    }

    say('');
    say('== deploy');
    const { runDeploy } = await import('./deploy');
    const deployArgs = { file: hubFile, plan: false, device: 'all', redact: false, archive: false, force: false, json: args.json, debug: args.debug };
    let deployCode = await runDeploy(deployArgs, io, inj);
    if (deployCode === ExitCode.waiting && orderedNow && circuitId) {
      say('');
      say('== the provider provisions the circuit (the emulator plays the provider), then deploy again');
      emu.control.provisionCircuit(circuitId);
      deployCode = await runDeploy(deployArgs, io, inj);
    }
    if (deployCode !== ExitCode.ok) return deployCode;
    // The appliances' side: each BGP site announces its prefixes over its tunnel (and so, through
    // on-premises routing, over ExpressRoute); Azure learns them there, not from the local network gateway.
    for (const site of session.hub.sites.filter((s) => s.bgp)) emu.control.setSiteAdvertisedPrefixes(site.connectionName, site.addressSpace);

    say('');
    say('== read back and render (every device)');
    const { readBackFacts } = await import('../../azure/readBack');
    const { verifyLive } = await import('../../azure/verifyLive');
    const { writeFactsFile } = await import('../../io/factsFile');
    const { renderLiveBundle, writtenPaths } = await import('../../app/renderBundle');
    const outDir = path.resolve(io.cwd, args.out);
    const facts = await readBackFacts(conn.api, session.hub, { includeKeys: false });
    const factsFile = path.join(outDir, 'facts.json');
    await writeFactsFile(factsFile, facts, { includeSecrets: false });
    const files = writtenPaths(await renderLiveBundle(session, { device: 'all', redact: false }, { outDir, force: false }), io.cwd);
    for (const f of files) say(`  ${f}`);
    if (args.json) writeJsonLine(io, 'rendered', { out: args.out, files });

    say('');
    say('== verify');
    const report = await verifyLive(conn.api, session.hub);
    if (args.json) writeJsonLine(io, 'verify', { ...report });
    else {
      const { printReport } = await import('./verify');
      printReport(report, io);
    }

    say('');
    say('Where everything is:');
    say(`  hub file        ${path.relative(io.cwd, hubFile)}`);
    say(`  device configs  ${path.relative(io.cwd, outDir) || '.'}/<site>/<device>/ (README.md per site is the handoff sheet)`);
    say(`  facts           ${path.relative(io.cwd, factsFile)} (without keys)`);
    say(`  key journal     ${path.relative(io.cwd, path.join(path.dirname(hubFile), '.tunnelsmith', 'keys'))} (mode 0700)`);
    say(`  emulator state  ${path.relative(io.cwd, stateDir)} (run again: nothing to change; delete it to start over)`);
    if (args.json) {
      writeJsonLine(io, 'demo', { ready: report.ready, hubFile: path.relative(io.cwd, hubFile), out: path.relative(io.cwd, outDir) || '.', facts: path.relative(io.cwd, factsFile), emulatorState: path.relative(io.cwd, stateDir) });
    }
    return report.ready ? ExitCode.ok : ExitCode.notReady;
  } finally {
    await emu.stop();
  }
}

async function demoHubText(fs: typeof import('node:fs').promises, path: typeof import('node:path')): Promise<string> {
  const { packageRoot } = await import('../../render/packageRoot');
  const shipped = path.join(packageRoot(), 'fixtures', 'demo', 'hub.yaml');
  try {
    return await fs.readFile(shipped, 'utf8');
  } catch {
    return EMBEDDED_DEMO_HUB;
  }
}
