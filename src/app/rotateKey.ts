/**
 * `rotate-key`: the rotation runner (rotation/run.ts) for each site, wired to the key journal, Azure,
 * Key Vault and the render pipeline (the staged bundle of prepare and rollback, and apply's check of
 * it). Every site is reported; a failing site never stops the others.
 */
import { UsageError } from '../errors';
import { keyJournalDir } from '../io/keyJournal';
import { runForSites, type SiteResult } from '../rotation/fleet';
import { createJournalRotationStore } from '../rotation/journalStore';
import type { Checkpoint, RotationEvent, RotationStore } from '../rotation/ports';
import { runRotation, type ConfirmOptions, type RotationAction, type SiteOutcome } from '../rotation/run';
import { generateSharedKey } from '../hub/sharedKey';
import type { AzureFacts } from '../facts/types';
import { readFactsFor } from './bundleKeys';
import { vaultAccessOf, vaultSlotFor } from './keyVault';
import { renderSiteBundle, type BundleOutput, type RenderChoice } from './renderBundle';
import type { HubSession } from './session';

export interface RotateKeyRequest {
  action: RotationAction;
  /** The sites, by name (each one of the hub's). */
  sites: readonly string[];
  /** Sites handled at once (fewer while Azure throttles). */
  concurrency: number;
  /** `status`: do not ask Azure which key it holds. */
  offline: boolean;
  /** Render the bundle from this facts file (absolute) instead of reading Azure. */
  factsFile?: string;
  /** The bundle prepare and rollback write, and apply checks. */
  bundle: Omit<RenderChoice, 'sites'> & BundleOutput;
  confirm: ConfirmOptions;
  /** How long to wait for the gateway's other writes (409 busy) before giving up. */
  busyTimeoutMs?: number;
  onEvent?: (e: RotationEvent) => void;
  /** Called after each named step (crash tests). */
  checkpoint?: (point: Checkpoint) => void;
}

export interface RotateKeyReport {
  results: SiteResult<SiteOutcome>[];
  /** Every key the journal knows for these sites, so no printed text can carry one. */
  knownKeys: string[];
}

export async function rotateKeys(session: HubSession, req: RotateKeyRequest): Promise<RotateKeyReport> {
  const { action, bundle } = req;
  const needsAzure = action === 'apply' || action === 'rollback' || action === 'prepare' || (action === 'status' && !req.offline);
  const azure = needsAzure ? (await session.azure()).api : undefined;
  let factsPromise: Promise<AzureFacts> | undefined;
  const facts = () => (factsPromise ??= readFactsFor(session, req.factsFile));
  const store = createJournalRotationStore(keyJournalDir(session.file), session.hubId);

  const results = await runForSites(req.sites, req.concurrency, async (name) => {
    const site = session.hub.sites.find((s) => s.name === name);
    if (!site) throw new UsageError('UnknownSite', `no site named "${name}"`, 'check --site');
    const vault = action === 'apply' || action === 'rollback' ? await vaultSlotFor(site, vaultAccessOf(await session.azure())) : undefined;
    return runRotation(
      action,
      { site: name, connection: site.connectionName, resourceGroup: session.hub.azure.resourceGroup, gateway: session.hub.azure.vpnGateway.name, ...(vault ? { vault } : {}) },
      {
        store,
        ...(azure ? { azure } : {}),
        writeBundle: async (s, key) => renderSiteBundle(session, await facts(), s, key, bundle),
        ...(action === 'apply' ? { checkStaged: async (s: string, key: string) => (await import('../io/stagedBundle')).checkStagedBundle(bundle.outDir, s, key) } : {}),
        generateKey: () => generateSharedKey(),
        now: () => new Date(),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        confirm: req.confirm,
        ...(req.busyTimeoutMs !== undefined ? { busyTimeoutMs: req.busyTimeoutMs } : {}),
        ...(req.onEvent ? { onEvent: req.onEvent } : {}),
        ...(req.checkpoint ? { checkpoint: req.checkpoint } : {}),
      },
    );
  });

  const sites = session.hub.sites.filter((s) => req.sites.includes(s.name)).map((s) => [s.name, s.connectionName] as const);
  return { results, knownKeys: await knownKeys(store, sites) };
}

async function knownKeys(store: RotationStore, sites: readonly (readonly [string, string])[]): Promise<string[]> {
  const keys: string[] = [];
  for (const [site, cn] of sites) {
    try {
      const r = await store.read(site, cn);
      for (const k of [r?.current, r?.previous, r?.pending]) if (k) keys.push(k.key);
    } catch {
      // An unreadable journal was already reported for that site.
    }
  }
  return keys;
}
