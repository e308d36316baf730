/**
 * A deployed hub on the in-process emulator, for rotate-key end to end: a VPN-only hub with three sites
 * (one keeps its key in Key Vault), deployed with the real apply engine, its key journal beside the hub file.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SecretClient } from '@azure/keyvault-secrets';
import type { AzureApi } from '../../../src/azure/client/api';
import { applyPlan } from '../../../src/azure/deploy/apply';
import { staticTokenCredential } from '../../../src/azure/client/credentials';
import { planAzure } from '../../../src/azure/deploy/plan';
import { createSdkApi } from '../../../src/azure/client/sdk';
import { createJournalKeyStore } from '../../../src/azure/sharedKeys';
import { startEmulator, type RunningEmulator } from '../../../src/emulator';
import { keyJournalDir } from '../../../src/io/keyJournal';
import { readHub } from '../../../src/io/readHub';

export const SUB = '00000000-0000-0000-0000-000000000000';
export const RG = 'rot-rg';
export const HUB_ID = `${RG}/rot-vnet`;
export const VAULT_KEY_V1 = 'VaultKeyVersionOne7Hd2Kp9Xw4Mb6Qz1Rt8Lc3Nf5Gj0Sa';

export const HUB_YAML = `azure:
  subscriptionId: ${SUB}
  resourceGroup: ${RG}
  location: centralus
  vnet:
    name: rot-vnet
    addressSpace: [10.50.0.0/16]
    gatewaySubnet: 10.50.255.0/27
  vpnGateway:
    name: rot-vgw
    sku: VpnGw1AZ
sites:
  - name: hq
    device: strongswan
    publicIp: 40.50.60.70
    addressSpace: [192.168.0.0/16]
    bgp: { asn: 65010, peerIp: 192.168.255.1 }
  - name: branch
    device: cisco-ios
    publicIp: 40.50.60.71
    addressSpace: [172.16.0.0/16]
  - name: vaulted
    device: juniper-srx
    publicIp: 40.50.60.72
    addressSpace: [172.17.0.0/16]
    sharedKey: { keyVault: { vaultName: rotkv, secretName: vaulted-psk } }
`;

export interface DeployedHub {
  emu: RunningEmulator;
  api: AzureApi;
  dir: string;
  hubFile: string;
  journalDir: string;
  caFile: string;
  env: NodeJS.ProcessEnv;
  secrets: SecretClient;
  close(): Promise<void>;
}

/** Deploys `yaml` (default the three-site hub above; another hub must use the same subscription, group and VNet). */
export async function deployHub(yaml: string = HUB_YAML): Promise<DeployedHub> {
  const emu = await startEmulator({ durations: { gatewayMs: 30, connectionMs: 10, setSharedKeyMs: 20, defaultMs: 2 } });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-rotate-e2e-'));
  const hubFile = path.join(dir, 'tunnelsmith.yaml');
  await fs.writeFile(hubFile, yaml);
  const caFile = path.join(dir, 'ca.pem');
  await fs.writeFile(caFile, emu.caPem);
  const credential = staticTokenCredential(emu.token);
  const api = createSdkApi({ credential, subscriptionId: SUB, endpoint: emu.endpoint, ca: emu.caPem, pollIntervalMs: 10, retry: { retryDelayInMs: 20, maxRetryDelayInMs: 100 } });
  // A loopback vault cannot pass the SDK's challenge-resource check (no parent domain): a test client skips it.
  const secrets = new SecretClient(emu.vaultEndpoint, staticTokenCredential(emu.vaultToken, { audience: 'vault' }), { disableChallengeResourceVerification: true, tlsOptions: { ca: emu.caPem } });
  await secrets.setSecret('vaulted-psk', VAULT_KEY_V1);
  const { hub } = await readHub({ file: hubFile, cwd: dir });
  const journalDir = keyJournalDir(hubFile);
  const resolveSecret = async (ref: unknown): Promise<string> => {
    if (typeof ref === 'object' && ref !== null && 'keyVault' in ref) return VAULT_KEY_V1;
    throw new Error('unexpected secret reference');
  };
  await applyPlan(planAzure(hub, SUB), {
    api,
    hub,
    keys: createJournalKeyStore({ journalDir, hubId: HUB_ID, resolveSecret }),
    resolveSecret,
    busyPollMs: 5,
    busyTimeoutMs: 20_000,
  });
  return {
    emu,
    api,
    dir,
    hubFile,
    journalDir,
    caFile,
    secrets,
    env: { TUNNELSMITH_ARM_ENDPOINT: emu.endpoint, TUNNELSMITH_ARM_TOKEN: emu.token, TUNNELSMITH_VAULT_TOKEN: emu.vaultToken, TUNNELSMITH_CA_FILE: caFile, TUNNELSMITH_VAULT_ENDPOINT: emu.vaultEndpoint, TUNNELSMITH_POLL_INTERVAL_MS: '10' },
    async close() {
      await emu.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
