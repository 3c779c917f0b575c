/**
 * How long a batch may wait for more items: while `expectedAppends()` says more are on their way
 * than are queued (requests still running, for example), up to `maxWaitMs`, so they share one
 * commit. A lone caller never waits; at 0 ms nothing waits.
 */
export interface GroupCommitWait {
  readonly maxWaitMs: number;
  readonly expectedAppends: () => number;
}

/** Options of {@link createGroupCommit}. */
export interface GroupCommitOptions<T> {
  /** Most items one batch carries; the rest wait for the next. */
  readonly maxBatch: number;
  /** Runs batches one after another (the caller's own serialisation of store writes). */
  readonly serialise: (work: () => Promise<void>) => Promise<void>;
  /** Makes a batch durable, in order, or throws. */
  readonly writeBatch: (items: readonly T[]) => Promise<void>;
  readonly wait?: GroupCommitWait;
}

/**
 * Returns `write(item)`, which resolves once the batch carrying the item is written (or rejects
 * with that batch's error). Items that arrive while a batch is being written wait for the next:
 * under load one write carries many items.
 */
export function createGroupCommit<T>(options: GroupCommitOptions<T>): (item: T) => Promise<void> {
  const { maxBatch, serialise, writeBatch, wait } = options;
  let waiting: { item: T; settle: (error?: unknown) => void }[] = [];
  // Set while a batch waits for the items `wait` expects; called as each one arrives.
  let onArrival: (() => void) | undefined;

  const moreExpected = (): boolean =>
    wait !== undefined && waiting.length < maxBatch && wait.expectedAppends() > waiting.length;

  const gatherBatch = async (): Promise<void> => {
    // Let the callers already in this turn of the event loop join the batch.
    await new Promise<void>((resume) => setImmediate(resume));
    if (wait === undefined || wait.maxWaitMs <= 0 || !moreExpected()) return;
    await new Promise<void>((resume) => {
      const done = (): void => {
        clearTimeout(timer);
        onArrival = undefined;
        resume();
      };
      const timer = setTimeout(done, wait.maxWaitMs);
      onArrival = () => {
        if (!moreExpected()) done();
      };
    });
  };

  const write = (item: T): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const isFirst = waiting.length === 0;
      waiting.push({
        item,
        settle: (error) => (error === undefined ? resolve() : reject(asError(error))),
      });
      onArrival?.();
      if (!isFirst) return;
      void serialise(async () => {
        await gatherBatch();
        const batch = waiting.slice(0, maxBatch);
        const rest = waiting.slice(maxBatch);
        waiting = [];
        for (const pending of rest) {
          void write(pending.item).then(() => pending.settle(), pending.settle);
        }
        try {
          await writeBatch(batch.map((pending) => pending.item));
          for (const pending of batch) pending.settle();
        } catch (error) {
          for (const pending of batch) pending.settle(error);
        }
      });
    });

  return write;
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error('Audit append failed');
}
