/** Options of {@link createGroupCommit}. */
export interface GroupCommitOptions<T> {
  /** Most items one batch carries; the rest wait for the next. */
  readonly maxBatch: number;
  /** Runs batches one after another (the caller's own serialisation of store writes). */
  readonly serialise: (work: () => Promise<void>) => Promise<void>;
  /** Makes a batch durable, in order, or throws. */
  readonly writeBatch: (items: readonly T[]) => Promise<void>;
}

/**
 * Returns `write(item)`, which resolves once the batch carrying the item is written (or rejects
 * with that batch's error). Items that arrive while a batch is being written wait for the next:
 * under load one write carries many items.
 */
export function createGroupCommit<T>(options: GroupCommitOptions<T>): (item: T) => Promise<void> {
  const { maxBatch, serialise, writeBatch } = options;
  let waiting: { item: T; settle: (error?: unknown) => void }[] = [];

  const write = (item: T): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const isFirst = waiting.length === 0;
      waiting.push({
        item,
        settle: (error) => (error === undefined ? resolve() : reject(asError(error))),
      });
      if (!isFirst) return;
      void serialise(async () => {
        // Let the callers already in this turn of the event loop join the batch.
        await new Promise<void>((resume) => setImmediate(resume));
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
