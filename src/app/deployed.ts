/**
 * Read-backs of a hub that must be deployed first (facts, render, bundle, verify). Azure's
 * `NotDeployed` answer (a gateway or connection the hub file names is missing, or still being
 * created) means the hub is not ready yet: exit 11, not an Azure failure (design.md, "Conventions").
 */
import type { AzureApi } from '../azure/client/api';
import type { ReadBackOptions } from '../azure/readBack';
import type { VerifyReport } from '../azure/verify';
import { AzureError, NotReadyError } from '../errors';
import type { AzureFacts } from '../facts/types';
import type { Hub } from '../hub/types';

/** Runs a read-back; `NotDeployed` becomes NotReadyError with the same code, message and next step. */
export async function whenDeployed<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof AzureError && e.code === 'NotDeployed') throw new NotReadyError(e.code, e.message, e.hint, { cause: e });
    throw e;
  }
}

/** The hub's facts as Azure holds them. */
export async function readDeployedFacts(api: AzureApi, hub: Hub, o: ReadBackOptions): Promise<AzureFacts> {
  const { readBackFacts } = await import('../azure/readBack');
  return whenDeployed(() => readBackFacts(api, hub, o));
}

/** The verify report of a deployed hub. */
export async function verifyDeployed(api: AzureApi, hub: Hub): Promise<VerifyReport> {
  const { verifyLive } = await import('../azure/verifyLive');
  return whenDeployed(() => verifyLive(api, hub));
}
