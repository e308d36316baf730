/**
 * One at a time per key, any number of keys at once: what Azure does with a gateway's connections
 * (azure-facts.md section 4), done on our side so the run never collides with itself.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly holders = new Map<string, number>();

  /** Runs `task` once every earlier task of `key` has ended (whether it succeeded or not). */
  async run<T>(key: string, task: () => Promise<T>, onQueued?: () => void): Promise<T> {
    const before = this.tails.get(key);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = (before ?? Promise.resolve()).then(() => mine);
    this.tails.set(key, tail);
    if (before) {
      onQueued?.();
      await before;
    }
    this.holders.set(key, (this.holders.get(key) ?? 0) + 1);
    try {
      return await task();
    } finally {
      this.holders.set(key, (this.holders.get(key) ?? 1) - 1);
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Tasks of `key` running now (0 or 1). */
  running(key: string): number {
    return this.holders.get(key) ?? 0;
  }
}
