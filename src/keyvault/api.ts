/**
 * The narrow interface over the Azure Key Vault secret operations tunnelsmith uses, on plain types.
 * `sdk.ts` implements it on @azure/keyvault-secrets; tests may fake it. Values never reach messages.
 */

export interface SecretVersion {
  value: string;
  /** The version id (last segment of the secret id). */
  version: string;
}

export interface KeyVaultApi {
  /** The vault's base URL as used (for messages). */
  readonly vaultUrl: string;
  /** The latest version of a secret; undefined when the secret does not exist. */
  getLatest(name: string): Promise<SecretVersion | undefined>;
  /** One version of a secret; undefined when it does not exist. */
  getVersion(name: string, version: string): Promise<SecretVersion | undefined>;
  /** Stores a new version (the secret is created when missing); resolves the new version id. */
  setSecret(name: string, value: string, tags?: Record<string, string>): Promise<string>;
}

/** A vault's URL: the `--vault-endpoint` override (one URL for every vault, e.g. the emulator), or the cloud's suffix. */
export function vaultUrlFor(vaultName: string, opts: { endpoint?: string; suffix?: string }): string {
  if (opts.endpoint) return opts.endpoint.replace(/\/+$/, '');
  return `https://${vaultName}${opts.suffix ?? '.vault.azure.net'}`;
}
