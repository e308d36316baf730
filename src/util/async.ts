/**
 * Bounded concurrency: the one helper for "do this for every item, a few at a time".
 */

export interface MapLimitOptions {
  /**
   * After a failure no further item starts; the calls under way run to their end, then the first
   * failure is thrown (writers that must not begin new work once one has failed). Default: reject at
   * once with the first failure while the workers go on taking items (callers that must stop early
   * pass an AbortSignal into `task`).
   */
  stopOnFailure?: boolean;
}

/**
 * Runs `task` for every item with at most `limit` calls in flight (at least one); the results keep the
 * input order. A failure rejects as `options.stopOnFailure` says.
 */
export async function mapLimit<I, T>(items: readonly I[], limit: number, task: (item: I, index: number) => Promise<T>, options: MapLimitOptions = {}): Promise<T[]> {
  const bound = Math.max(1, Math.floor(limit));
  const results = new Array<T>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failure) {
      const index = next++;
      try {
        results[index] = await task(items[index] as I, index);
      } catch (error) {
        if (!options.stopOnFailure) throw error;
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(bound, items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}
