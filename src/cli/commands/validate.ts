/**
 * `tunnelsmith validate [--file F] [--resolve-secrets] [--json]`: checks the hub file against its schema
 * and every rule; exit 0 when valid (warnings printed), 3 when not. Secrets are only checked in form
 * unless `--resolve-secrets` (CI has no secrets). Key values are never printed.
 */
import { ExitCode, formatProblem, InputError, type Problem } from '../../errors';
import { defineCommand, writeLine, type CliIO } from '../command';

interface ValidateArgs {
  file?: string;
  'resolve-secrets': boolean;
  cloud?: string;
  'ca-file'?: string;
  'vault-endpoint'?: string;
}

/** A problem as printed: `file:line:col: ` in front when the place is known (editors link it). */
interface Reported extends Problem {
  line?: number;
  column?: number;
}

export const validateCommand = defineCommand<ValidateArgs>({
  command: 'validate',
  describe: 'Check the hub file (schema, Azure rules, device limits) without touching Azure',
  builder: (y) =>
    y
      .option('file', { type: 'string', alias: 'f', describe: 'Hub file (default tunnelsmith.yaml)' })
      .option('resolve-secrets', { type: 'boolean', default: false, describe: 'Also read every secret reference and check the key values (never printed); Key Vault with --vault-endpoint or a token' })
      .option('cloud', { type: 'string', describe: 'With --resolve-secrets: AzureCloud | AzureUSGovernment | AzureChinaCloud, for the Key Vault suffix (env TUNNELSMITH_CLOUD)' })
      .option('vault-endpoint', { type: 'string', describe: 'With --resolve-secrets: Key Vault base URL replacing https://<vault>.vault.azure.net (env TUNNELSMITH_VAULT_ENDPOINT)' })
      .option('ca-file', { type: 'string', describe: 'With --resolve-secrets: PEM file of an extra CA to trust for Key Vault (env TUNNELSMITH_CA_FILE)' })
      .example('$0 validate', 'Check tunnelsmith.yaml: every problem at once, as file:line:col with the fix')
      .example('$0 validate --file hub.yaml --resolve-secrets', 'Also read each key reference and check the key (never printed)')
      .example('$0 validate --json', 'The result as one JSON document (CI)') as never,
  run: (args, io) => runValidate(args, io),
});

async function runValidate(args: ValidateArgs & { json: boolean }, io: CliIO): Promise<number> {
  const { readHub, DEFAULT_HUB_FILE } = await import('../../io/readHub');
  const shown = args.file ?? DEFAULT_HUB_FILE;
  let loaded: Awaited<ReturnType<typeof readHub>>;
  try {
    loaded = await readHub({ cwd: io.cwd, ...(args.file !== undefined ? { file: args.file } : {}) });
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return reportInvalid(io, args.json, shown, e);
  }
  const problems: Reported[] = [...loaded.warnings];
  let secrets: { checked: boolean; resolved: number } = { checked: false, resolved: 0 };
  if (args['resolve-secrets']) {
    const { createSecretResolver, resolveHubSecrets } = await import('../../io/secrets');
    const { keyVaultReaderForValidation } = await import('../../app/keyVault');
    // Key Vault only when it can be reached without guessing (a vault endpoint or a token is set).
    const keyVault = await keyVaultReaderForValidation({ cloud: args.cloud, vaultEndpoint: args['vault-endpoint'], caFile: args['ca-file'] }, io);
    const resolved = await resolveHubSecrets(loaded.hub, createSecretResolver({ env: io.env, baseDir: loaded.baseDir, ...(keyVault ? { keyVault } : {}) }));
    problems.push(...resolved.problems);
    secrets = { checked: true, resolved: resolved.sharedKeys.size + (resolved.authorizationKey !== undefined ? 1 : 0) };
  }
  const errors = problems.filter((p) => p.severity === 'error');
  const valid = errors.length === 0;
  const hub = loaded.hub;
  const hubName = `${hub.azure.resourceGroup}/${hub.azure.vnet.name}`;
  if (args.json) {
    writeLine(io.stdout, JSON.stringify({ valid, file: shown, hub: hubName, sites: hub.sites.map((s) => ({ name: s.name, device: s.device })), secrets, problems: problems.map(jsonProblem) }, null, 2));
  } else {
    for (const p of problems) writeLine(io.stderr, formatReported(p, shown));
    if (valid) {
      const names = hub.sites.map((s) => s.name).join(', ');
      writeLine(io.stdout, `${shown}: valid hub ${hubName} with ${hub.sites.length} site(s)${names ? ` (${names})` : ''}`);
      if (secrets.checked) writeLine(io.stdout, `secrets: ${secrets.resolved} resolved and checked`);
      else writeLine(io.stdout, 'secrets: references checked in form only (add --resolve-secrets to read and check the values)');
    } else {
      writeLine(io.stderr, `error [SecretInvalid]: ${errors.length} secret problem(s) in ${shown}`);
    }
  }
  return valid ? ExitCode.ok : ExitCode.invalidInput;
}

function reportInvalid(io: CliIO, json: boolean, shown: string, e: InputError): number {
  const problems = e.problems as Reported[];
  if (json) {
    writeLine(io.stdout, JSON.stringify({ valid: false, file: shown, error: { code: e.code, message: e.message }, problems: problems.map(jsonProblem) }, null, 2));
  } else {
    for (const p of problems) writeLine(io.stderr, formatReported(p, shown));
    writeLine(io.stderr, `error [${e.code}]: ${e.message}`);
    if (e.hint) writeLine(io.stderr, `next: ${e.hint}`);
  }
  return e.exitCode;
}

function formatReported(p: Reported, file: string): string {
  return p.line !== undefined ? `${file}:${p.line}:${p.column ?? 1}: ${formatProblem(p)}` : formatProblem(p);
}

function jsonProblem(p: Reported): Record<string, unknown> {
  return {
    severity: p.severity,
    path: p.path,
    message: p.message,
    ...(p.fix !== undefined ? { fix: p.fix } : {}),
    ...(p.line !== undefined ? { line: p.line, column: p.column } : {}),
  };
}
