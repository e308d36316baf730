/** `tunnelsmith verify`: per site connection, BGP and routes, and the failover-readiness verdict. */
import type { Argv } from 'yargs';
import { ExitCode } from '../../errors';
import type { VerifyReport } from '../../azure/verify';
import { defineCommand, writeLine, type CliIO, type GlobalArgs } from '../command';
import { writeJsonLine } from '../output';
import { openHubSession, withAzureOptions, type AzureCliArgs, type AzureInjection } from '../azureOptions';

export type VerifyArgs = AzureCliArgs;

export const verifyCommand = defineCommand<VerifyArgs>({
  command: 'verify',
  describe: 'Check connections, BGP peers and learned routes, and judge failover readiness (exit 11 when not ready)',
  builder: (y) =>
    withAzureOptions(y)
      .example('$0 verify', 'Each site\'s connection, BGP peers and routes, and the failover verdict (exit 11 when not ready)')
      .example('$0 verify --json', 'The same as one JSON document, for monitoring') as unknown as Argv<VerifyArgs & GlobalArgs>,
  run: (args, io) => runVerify(args, io),
});

export async function runVerify(args: VerifyArgs & GlobalArgs, io: CliIO, inject: AzureInjection = {}): Promise<number> {
  const { verifyLive } = await import('../../azure/verifyLive');
  const session = await openHubSession(args, io, inject);
  const conn = await session.azure();
  const report = await verifyLive(conn.api, session.hub);
  if (args.json) writeJsonLine(io, 'verify', { ...report });
  else printReport(report, io);
  return report.ready ? ExitCode.ok : ExitCode.notReady;
}

const VERDICT: Record<VerifyReport['failover'], string> = {
  ready: 'READY: both paths are up; Azure prefers ExpressRoute and the VPN is the backup',
  'on-vpn': 'NOT READY: the ExpressRoute path carries no on-prem prefix; traffic is on the VPN (failover in effect)',
  'not-ready': 'NOT READY',
  'vpn-only': 'READY (VPN only: the hub has no ExpressRoute)',
};

/** The human form of a report. */
export function printReport(report: VerifyReport, io: CliIO): void {
  writeLine(io.stdout, `Verify ${report.hub}`);
  const line = (c: { ok: boolean; name: string; detail: string; warning?: boolean }) => writeLine(io.stdout, `    [${c.warning ? 'WARN' : c.ok ? 'ok' : 'FAIL'}] ${c.name}: ${c.detail}`);
  if (report.expressRoute) {
    writeLine(io.stdout, '  ExpressRoute');
    report.expressRoute.checks.forEach(line);
  }
  for (const s of report.sites) {
    writeLine(io.stdout, `  site ${s.site}`);
    s.checks.forEach(line);
  }
  const verdict = report.ready ? VERDICT[report.failover] : report.failover === 'on-vpn' ? VERDICT['on-vpn'] : VERDICT['not-ready'];
  writeLine(io.stdout, `Failover readiness: ${verdict}`);
  if (!report.ready && report.failover !== 'on-vpn') for (const r of report.reasons) writeLine(io.stdout, `  - ${r}`);
}
