/**
 * `validate --resolve-secrets` reads `{ keyVault }` references when Key Vault can be reached (a vault
 * endpoint or a token is set), and checks their values like the others: against the emulator's vault.
 * Values are never printed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SecretClient } from '@azure/keyvault-secrets';
import { staticTokenCredential } from '../../src/azure/client/credentials';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { runCli } from '../support/cli';

const GOOD = 'VaultKey7Hd2Kp9Xw4Mb6Qz1Rt8Lc3Nf5Gj0Sa';
const BAD = 'VaultKey7Hd2\nusername evil privilege 15';

const hub = (secretName: string) => `azure:
  subscriptionId: 00000000-0000-0000-0000-000000000000
  resourceGroup: rg1
  location: centralus
  vnet: { name: vnet1, addressSpace: [10.200.0.0/16], gatewaySubnet: 10.200.255.224/27 }
  vpnGateway: { name: vgw1, sku: VpnGw1AZ }
sites:
  - name: hq
    device: juniper-srx
    publicIp: 40.50.60.70
    addressSpace: [192.168.0.0/16]
    sharedKey: { keyVault: { vaultName: kv1, secretName: ${secretName} } }
`;

let emu: RunningEmulator;
let dir: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  emu = await startEmulator({});
  const secrets = new SecretClient(emu.vaultEndpoint, staticTokenCredential(emu.vaultToken), { disableChallengeResourceVerification: true, tlsOptions: { ca: emu.caPem } });
  await secrets.setSecret('good', GOOD);
  await secrets.setSecret('bad', BAD);
  dir = mkdtempSync(path.join(os.tmpdir(), 'ts-validate-kv-'));
  writeFileSync(path.join(dir, 'ca.pem'), emu.caPem);
  env = { TUNNELSMITH_ARM_TOKEN: emu.token, TUNNELSMITH_VAULT_TOKEN: emu.vaultToken, TUNNELSMITH_CA_FILE: path.join(dir, 'ca.pem'), TUNNELSMITH_VAULT_ENDPOINT: emu.vaultEndpoint };
});
afterAll(async () => {
  await emu.stop();
  rmSync(dir, { recursive: true, force: true });
});

const validate = async (secretName: string, e: NodeJS.ProcessEnv, ...more: string[]) => {
  writeFileSync(path.join(dir, 'tunnelsmith.yaml'), hub(secretName));
  return runCli(['validate', '--resolve-secrets', ...more], { cwd: dir, env: e });
};

describe('validate --resolve-secrets with a { keyVault } reference', () => {
  it('reads the secret from the vault and checks it: a good key resolves', async () => {
    const r = await validate('good', env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('secrets: 1 resolved and checked');
    expect(r.stdout + r.stderr).not.toContain(GOOD);
  });

  it('a vault value with a newline is an error of that reference, never printed', async () => {
    const r = await validate('bad', env);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/sites\[0\]\.sharedKey: the shared key contains a space, a control or non-ASCII character, which Azure refuses/);
    expect(r.stdout + r.stderr).not.toContain('username evil');
  });

  it('a secret the vault does not have, and the endpoint given as a flag', async () => {
    const r = await validate('missing', { TUNNELSMITH_ARM_TOKEN: emu.token, TUNNELSMITH_VAULT_TOKEN: emu.vaultToken }, '--vault-endpoint', emu.vaultEndpoint, '--ca-file', path.join(dir, 'ca.pem'));
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('sites[0].sharedKey: secret missing does not exist in vault kv1');
  });

  it('without an endpoint or a token, says how to configure Key Vault', async () => {
    // (runCli sets a token by default: unset it, so nothing is sent anywhere.)
    const r = await validate('good', { TUNNELSMITH_ARM_TOKEN: undefined });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('Key Vault is not configured for this command');
    expect(r.stderr).toContain('--vault-endpoint');
  });
});
