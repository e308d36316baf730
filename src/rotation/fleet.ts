/**
 * Fleet runs (`--all`): each site's action with at most `concurrency` in flight, fewer while Azure
 * throttles (`pacing.ts`), every site reported, and one exit code for the whole run: the worst of the sites'.
 */
import { ExitCode, isAppError, type ExitCodeValue } from '../errors';
import { FleetPacing, runWithPacing } from '../azure/client/pacing';

export type SiteResult<T> =
  | { site: string; ok: true; exitCode: 0; value: T }
  | { site: string; ok: false; exitCode: ExitCodeValue; code: string; message: string; hint?: string; error: unknown };

/**
 * Runs `task` for every item, a new one only when `pacing` grants a slot (its adaptive bound, and no
 * Retry-After pending); each task runs inside `pacing` so its Azure steps share it. Results keep the
 * input order. A task that throws is the caller's to catch (`runForSites` never throws).
 */
export async function runPaced<I, T>(items: readonly I[], pacing: FleetPacing, task: (item: I, index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(items.length);
  const running: Promise<void>[] = [];
  let failure: { error: unknown } | undefined;
  for (let index = 0; index < items.length && !failure; index++) {
    const slot = await pacing.acquire();
    const i = index;
    running.push(
      runWithPacing(pacing, () => task(items[i] as I, i)).then(
        (value) => {
          results[i] = value;
          pacing.release(slot);
        },
        (error: unknown) => {
          failure ??= { error };
          pacing.release(slot);
        },
      ),
    );
  }
  await Promise.all(running);
  if (failure) throw failure.error;
  return results;
}

export interface FleetOptions {
  /** The fleet's pacing (default: a new one bounded by `concurrency`); tests pass theirs to watch it. */
  pacing?: FleetPacing;
}

/**
 * Runs a per-site action for many sites; a failing site never stops the others. At most `concurrency`
 * sites are in flight, fewer after Azure throttled (the bound halves, then grows back); the task must be
 * safe to run inside a shared pacing (rotate-key steps wait out each Retry-After and are retried there).
 */
export async function runForSites<T>(sites: readonly string[], concurrency: number, task: (site: string) => Promise<T>, options: FleetOptions = {}): Promise<SiteResult<T>[]> {
  const pacing = options.pacing ?? new FleetPacing({ maxInFlight: concurrency });
  return runPaced(sites, pacing, async (site): Promise<SiteResult<T>> => {
    try {
      return { site, ok: true, exitCode: 0, value: await task(site) };
    } catch (error) {
      if (isAppError(error)) return { site, ok: false, exitCode: error.exitCode, code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}), error };
      return { site, ok: false, exitCode: ExitCode.internal, code: 'Internal', message: error instanceof Error ? error.message : String(error), error };
    }
  });
}

/** How bad an exit code is: internal errors worst, then Azure, input, usage, then the informational codes. */
const SEVERITY: readonly number[] = [ExitCode.internal, ExitCode.azure, ExitCode.invalidInput, ExitCode.lockBusy, ExitCode.usage, ExitCode.waiting, ExitCode.notReady, ExitCode.changesPending, ExitCode.ok];

/** The worst of several exit codes (0 when there are none). Pure. */
export function worstExitCode(codes: readonly number[]): number {
  let worst: number = ExitCode.ok;
  for (const c of codes) {
    const rank = SEVERITY.indexOf(c);
    const current = SEVERITY.indexOf(worst);
    if ((rank === -1 ? 0 : rank) < current) worst = c;
  }
  return worst;
}
