/**
 * `tunnelsmith validate [--file F] [--resolve-secrets] [--json]`: checks the hub file against its schema
 * and every rule; exit 0 when valid (warnings printed), 3 when not. Secrets are only checked in form
 * unless `--resolve-secrets` (CI has no secrets). Key values are never printed.
 */
import { ExitCode, InputError } from '../../errors';
import { defineCommand, writeLine, type CliIO } from '../command';
import type { LocatedProblem } from '../../io/readHub';
import { formatPlaced, jsonProblem, writeJsonLine } from '../output';

interface ValidateArgs {
  file?: string;
  'resolve-secrets': boolean;
  cloud?: string;
  'ca-file'?: string;
  'vault-endpoint'?: string;
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
  // An unreadable or invalid file is an InputError with every problem placed in the file: exec prints it.
  const loaded = await readHub({ cwd: io.cwd, ...(args.file !== undefined ? { file: args.file } : {}) });
  const problems: LocatedProblem[] = [...loaded.warnings];
  const hub = loaded.hub;
  if (!hub.azure.subscriptionId && !io.env.AZURE_SUBSCRIPTION_ID) problems.push(NO_SUBSCRIPTION);
  let secrets: { checked: boolean; resolved: number } = { checked: false, resolved: 0 };
  if (args['resolve-secrets']) {
    const { createSecretResolver, resolveHubSecrets } = await import('../../io/secrets');
    const { keyVaultReaderForValidation } = await import('../../app/keyVault');
    // Key Vault only when it can be reached without guessing (a vault endpoint or a token is set).
    const keyVault = await keyVaultReaderForValidation({ cloud: args.cloud, vaultEndpoint: args['vault-endpoint'], caFile: args['ca-file'] }, io);
    const resolved = await resolveHubSecrets(hub, createSecretResolver({ env: io.env, baseDir: loaded.baseDir, ...(keyVault ? { keyVault } : {}) }));
    problems.push(...resolved.problems);
    secrets = { checked: true, resolved: resolved.sharedKeys.size + (resolved.authorizationKey !== undefined ? 1 : 0) };
  }
  const errors = problems.filter((p) => p.severity === 'error');
  const valid = errors.length === 0;
  const hubName = `${hub.azure.resourceGroup}/${hub.azure.vnet.name}`;
  if (args.json) {
    writeJsonLine(io, 'validated', { valid, file: shown, hub: hubName, sites: hub.sites.map((s) => ({ name: s.name, device: s.device })), secrets, problems: problems.map(jsonProblem) });
  } else if (valid) {
    for (const p of problems) writeLine(io.stderr, formatPlaced(p));
    const names = hub.sites.map((s) => s.name).join(', ');
    writeLine(io.stdout, `${shown}: valid hub ${hubName} with ${hub.sites.length} site(s)${names ? ` (${names})` : ''}`);
    if (secrets.checked) writeLine(io.stdout, `secrets: ${secrets.resolved} resolved and checked`);
    else writeLine(io.stdout, 'secrets: references checked in form only (add --resolve-secrets to read and check the values)');
  }
  if (!valid) {
    throw new InputError('SecretInvalid', `${errors.length} secret problem(s) in ${shown}`, args.json ? errors : problems, `fix the references listed above (or the keys they point to), then run tunnelsmith validate --file ${shown} --resolve-secrets`);
  }
  return ExitCode.ok;
}

/** Every Azure command needs a subscription; without one they all stop before the first request. */
const NO_SUBSCRIPTION: LocatedProblem = {
  path: 'azure.subscriptionId',
  severity: 'warning',
  message: 'no subscription is set (neither here nor in AZURE_SUBSCRIPTION_ID): deploy and every other command that reaches Azure will stop',
  fix: 'add azure.subscriptionId to the hub file, or export AZURE_SUBSCRIPTION_ID',
};
