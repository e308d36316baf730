/**
 * `tunnelsmith emulator [--port N] [--state DIR] [--gateway-ms N ...]`: runs the ARM emulator in the
 * foreground, prints its endpoints, CA file and its two tokens (ARM, Key Vault), and stops on SIGINT/SIGTERM.
 */
import { ExitCode, InputError, UsageError } from '../../errors';
import { defineCommand, writeLine, type CliIO } from '../command';
import { writeJsonLine } from '../output';

export interface EmulatorArgs {
  port: number;
  'vault-port': number;
  state?: string;
  'gateway-ms'?: number;
  'connection-ms'?: number;
  'set-shared-key-ms'?: number;
  'default-ms'?: number;
  'retry-after': number;
  'refuse-concurrent-gateways': boolean;
  'provisioned-circuit'?: string[];
}

export const emulatorCommand = defineCommand<EmulatorArgs>({
  command: 'emulator',
  describe: 'Run the local ARM + Key Vault emulator in the foreground (for the demo, tests and trying tunnelsmith without Azure)',
  builder: (y) =>
    y
      .option('port', { type: 'number', default: 0, describe: 'ARM port on 127.0.0.1 (0 = any free port)' })
      .option('vault-port', { type: 'number', default: 0, describe: 'Key Vault port on 127.0.0.1 (0 = any free port)' })
      .option('state', { type: 'string', describe: 'Keep state, certificate and token in this directory between runs (default: memory only)' })
      .option('gateway-ms', { type: 'number', describe: 'Duration of gateway operations in ms' })
      .option('connection-ms', { type: 'number', describe: 'Duration of connection operations in ms' })
      .option('set-shared-key-ms', { type: 'number', describe: 'Duration of shared-key set/reset in ms' })
      .option('default-ms', { type: 'number', describe: 'Duration of every other operation in ms' })
      .option('retry-after', { type: 'number', default: 0, describe: 'Retry-After seconds sent on long-running operations (0 = SDK clients keep their own polling interval)' })
      .option('refuse-concurrent-gateways', {
        type: 'boolean',
        default: false,
        describe: 'Answer 409 AnotherOperationInProgress to a gateway created while another gateway of the same VNet is being created',
      })
      .option('provisioned-circuit', {
        type: 'string',
        array: true,
        describe: "Serve an ExpressRoute circuit a provider has provisioned (with private peering), by its resource id: your hub file's circuitId; repeatable",
      })
      .example('$0 emulator --state .tunnelsmith/emulator --port 8443', 'Keep state, CA and token between runs; prints the exports to point tunnelsmith at it')
      .example('$0 emulator --provisioned-circuit <circuitId>', "Serve your hub file's azure.expressRoute.circuitId as a circuit the provider has provisioned, so deploy connects it") as never,
  run: (args, io) => runEmulator(args, io, waitForSignal),
});

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const done = (sig: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(sig);
    };
    const onInt = () => done('SIGINT');
    const onTerm = () => done('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
}

function checkNumber(name: string, v: number | undefined, max = Number.MAX_SAFE_INTEGER): void {
  if (v === undefined) return;
  if (!Number.isInteger(v) || v < 0 || v > max) throw new UsageError('InvalidOption', `--${name} must be a whole number between 0 and ${max}; got ${v}.`);
}

const CIRCUIT_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/expressRouteCircuits\/([^/]+)$/i;

/** Runs the emulator until `waitForStop()` resolves (a signal in production, a promise in tests). */
export async function runEmulator(args: EmulatorArgs & { json: boolean }, io: CliIO, waitForStop: () => Promise<unknown>): Promise<number> {
  checkNumber('port', args.port, 65535);
  checkNumber('vault-port', args['vault-port'], 65535);
  for (const k of ['gateway-ms', 'connection-ms', 'set-shared-key-ms', 'default-ms', 'retry-after'] as const) checkNumber(k, args[k]);
  const circuits = (args['provisioned-circuit'] ?? []).map((id) => {
    const m = CIRCUIT_ID.exec(id);
    if (!m) {
      throw new UsageError('InvalidOption', `--provisioned-circuit must be a circuit resource id (/subscriptions/S/resourceGroups/RG/providers/Microsoft.Network/expressRouteCircuits/NAME); got ${id}.`);
    }
    return { subscriptionId: m[1], resourceGroup: m[2], name: m[3] };
  });

  const { startEmulator } = await import('../../emulator');
  const durations: Record<string, number> = {};
  if (args['gateway-ms'] !== undefined) durations.gatewayMs = args['gateway-ms'];
  if (args['connection-ms'] !== undefined) durations.connectionMs = args['connection-ms'];
  if (args['set-shared-key-ms'] !== undefined) durations.setSharedKeyMs = args['set-shared-key-ms'];
  if (args['default-ms'] !== undefined) durations.defaultMs = args['default-ms'];
  const token = io.env.TUNNELSMITH_ARM_TOKEN || undefined;
  const vaultToken = io.env.TUNNELSMITH_VAULT_TOKEN || undefined;
  if (token && vaultToken && token === vaultToken) {
    throw new UsageError('InvalidOption', 'TUNNELSMITH_ARM_TOKEN and TUNNELSMITH_VAULT_TOKEN must differ: each token serves one audience.');
  }
  const { resolve } = await import('node:path');
  const stateDir = args.state ? resolve(io.cwd, args.state) : undefined;
  let emu: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emu = await startEmulator({
      port: args.port,
      vaultPort: args['vault-port'],
      stateDir,
      token,
      vaultToken,
      durations,
      retryAfterSeconds: args['retry-after'],
      refuseConcurrentGateways: args['refuse-concurrent-gateways'],
    });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new UsageError('PortInUse', `A port the emulator needs is in use (${(e as Error).message}).`, 'Pick another --port/--vault-port, or 0 for any free port.');
    if (code === 'EmulatorStateInvalid') throw new InputError('EmulatorStateInvalid', (e as Error).message);
    throw e;
  }
  let tempDir: string | undefined;
  try {
    let caFile = emu.caFile;
    if (!caFile) {
      const { mkdtempSync, writeFileSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      tempDir = mkdtempSync(join(tmpdir(), 'tunnelsmith-emulator-'));
      caFile = join(tempDir, 'ca.pem');
      writeFileSync(caFile, emu.caPem, { mode: 0o644 });
    }
    const added = circuits.map((c) => {
      try {
        return emu.control.addProvisionedCircuit(c);
      } catch (e) {
        // Kept from an earlier run with the same --state: already there.
        if ((e as { code?: string }).code === 'CircuitAlreadyExists') {
          return { id: `/subscriptions/${c.subscriptionId}/resourceGroups/${c.resourceGroup}/providers/Microsoft.Network/expressRouteCircuits/${c.name}` };
        }
        throw new UsageError('InvalidOption', `--provisioned-circuit ${c.name}: ${(e as Error).message}`);
      }
    });
    printStarted(io, args.json, {
      endpoint: emu.endpoint,
      vaultEndpoint: emu.vaultEndpoint,
      caFile,
      token: emu.token,
      vaultToken: emu.vaultToken,
      circuits: added.map((c) => c.id),
      stateDir,
    });
    const signal = await waitForStop();
    if (args.json) writeJsonLine(io, 'stopped', { signal: typeof signal === 'string' ? signal : 'stop' });
    else writeLine(io.stderr, `emulator: ${typeof signal === 'string' ? signal : 'stop'} received, stopping`);
  } finally {
    await emu.stop();
    if (tempDir) {
      const { rmSync } = await import('node:fs');
      rmSync(tempDir, { recursive: true, force: true });
    }
  }
  return ExitCode.ok;
}

function printStarted(
  io: CliIO,
  json: boolean,
  info: { endpoint: string; vaultEndpoint: string; caFile: string; token: string; vaultToken: string; circuits: string[]; stateDir?: string },
): void {
  if (json) {
    writeJsonLine(io, 'started', info);
    return;
  }
  writeLine(io.stdout, 'tunnelsmith ARM emulator running');
  writeLine(io.stdout, `  ARM endpoint:    ${info.endpoint}`);
  writeLine(io.stdout, `  vault endpoint:  ${info.vaultEndpoint}`);
  writeLine(io.stdout, `  CA file:         ${info.caFile}`);
  writeLine(io.stdout, `  token:           ${info.token}`);
  writeLine(io.stdout, `  vault token:     ${info.vaultToken}`);
  writeLine(io.stdout, `  state:           ${info.stateDir ?? 'memory only'}`);
  for (const c of info.circuits) writeLine(io.stdout, `  circuit:         ${c} (provisioned)`);
  writeLine(io.stdout, '');
  writeLine(io.stdout, 'Point tunnelsmith at it:');
  writeLine(io.stdout, `  export TUNNELSMITH_ARM_ENDPOINT=${info.endpoint}`);
  writeLine(io.stdout, `  export TUNNELSMITH_VAULT_ENDPOINT=${info.vaultEndpoint}`);
  writeLine(io.stdout, `  export TUNNELSMITH_CA_FILE=${info.caFile}`);
  writeLine(io.stdout, `  export TUNNELSMITH_ARM_TOKEN=${info.token}`);
  writeLine(io.stdout, `  export TUNNELSMITH_VAULT_TOKEN=${info.vaultToken}`);
  writeLine(io.stdout, `Control routes: ${info.endpoint}/__emulator/... (the ARM token; see src/emulator/README.md)`);
  writeLine(io.stdout, 'Press Ctrl+C to stop.');
}
