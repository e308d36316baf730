/**
 * Bounded concurrency: the one helper for "do this for every item, a few at a time".
 */

/**
 * Runs `task` for every item with at most `limit` calls in flight (at least one); the results keep the
 * input order. Rejects with the first failure; calls already started run to their end, and the workers
 * go on taking items (callers that must stop early pass an AbortSignal into `task`).
 */
export async function mapLimit<I, T>(items: readonly I[], limit: number, task: (item: I, index: number) => Promise<T>): Promise<T[]> {
  const bound = Math.max(1, Math.floor(limit));
  const results = new Array<T>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as I, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(bound, items.length) }, worker));
  return results;
}
