/** `tunnelsmith facts`: read back what Azure holds for the hub and save it as a facts file. */
import type { Argv } from 'yargs';
import { ExitCode } from '../../errors';
import { defineCommand, writeLine, type CliIO, type GlobalArgs } from '../command';
import { writeJsonLine } from '../output';
import { openHubSession, withAzureOptions, type AzureCliArgs, type AzureInjection } from '../azureOptions';

export interface FactsArgs extends AzureCliArgs {
  out: string;
  'include-secrets': boolean;
}

export const factsCommand = defineCommand<FactsArgs>({
  command: 'facts',
  describe: 'Read back public IPs, BGP addresses, ASN, policies (and with --include-secrets the keys) into a facts file',
  builder: (y) =>
    withAzureOptions(y)
      .option('out', { type: 'string', default: 'out/facts.json', describe: 'Facts file to write' })
      .option('include-secrets', { type: 'boolean', default: false, describe: 'Also write each connection shared key (the file is then mode 0600)' })
      .example('$0 facts', 'Write out/facts.json (no keys): what render --facts and the on-prem teams need')
      .example('$0 facts --out facts.json --include-secrets', 'With the shared keys too (the file is mode 0600; never commit it)') as unknown as Argv<FactsArgs & GlobalArgs>,
  run: (args, io) => runFacts(args, io),
});

export async function runFacts(args: FactsArgs & GlobalArgs, io: CliIO, inject: AzureInjection = {}): Promise<number> {
  const path = await import('node:path');
  const { readBackFacts } = await import('../../azure/readBack');
  const { writeFactsFile } = await import('../../io/factsFile');
  const session = await openHubSession(args, io, inject);
  const conn = await session.azure();
  const includeKeys = args['include-secrets'];
  const facts = await readBackFacts(conn.api, session.hub, { includeKeys });
  const file = path.resolve(io.cwd, args.out);
  const written = await writeFactsFile(file, facts, { includeSecrets: includeKeys });
  if (args.json) {
    // The facts without keys: keys go only to the 0600 file.
    const { serializeFacts } = await import('../../io/factsFile');
    writeJsonLine(io, 'facts', { file: args.out, withKeys: written.withKeys, facts: JSON.parse(serializeFacts(facts, false)) });
  } else {
    writeLine(io.stdout, `Wrote ${args.out}${written.withKeys ? ' (with shared keys, mode 0600)' : ' (without shared keys; add --include-secrets to include them)'}.`);
    for (const inst of facts.vpnGateway.instances) writeLine(io.stdout, `  VPN gateway instance ${inst.index + 1}: public IP ${inst.publicIp}, BGP ${inst.defaultBgpIp}${inst.apipaBgpIps.length ? `, APIPA ${inst.apipaBgpIps.join(', ')}` : ''} (ASN ${facts.vpnGateway.asn})`);
    for (const s of facts.sites) writeLine(io.stdout, `  site ${s.name}: connection ${s.connectionName} ${s.connectionStatus ?? ''}${s.bgpEnabled ? `, Azure BGP ${s.azureBgpIps.join(', ')}` : ''}`.trimEnd());
  }
  return ExitCode.ok;
}
