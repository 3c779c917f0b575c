import { AsyncLocalStorage } from 'node:async_hooks';

import type { Tarn } from 'kysely';
import tarn from 'tarn';

import { connectionDeadline, type ConnectionLifetimePolicy } from './connection-deadline.js';

/** Options of {@link createTokenBoundPool}. */
export interface TokenBoundPoolOptions extends ConnectionLifetimePolicy {
  /** The clock, epoch ms; `Date.now` when absent. */
  readonly now?: () => number;
}

/** A tarn pool class for Kysely's SQL Server dialect that retires connections by token expiry. */
export interface TokenBoundPool {
  /** Pass as `tarn.Pool` to `MssqlDialect`. */
  readonly Pool: Tarn['Pool'];
  /**
   * Records the access token the connection being created signs in with. Call it from the
   * dialect's `connectionFactory`; outside a pool `create` it does nothing.
   */
  bindToken(token: string): void;
  /** True while a pooled connection may still be handed out. */
  isWithinDeadline(connection: object): boolean;
}

interface CreateSlot {
  deadline?: number;
}

type PoolOptions<R> = ConstructorParameters<typeof tarn.Pool<R>>[0];

/**
 * Builds a tarn `Pool` subclass whose `validate` (run by tarn on every acquire) refuses a
 * connection past its deadline, so tarn destroys it and opens a fresh one with a fresh token.
 * The deadline comes from {@link connectionDeadline}: ahead of the token's `exp`, capped by a
 * maximum lifetime.
 *
 * Kysely's dialect creates connections through the pool's `create`, which calls the dialect's
 * `connectionFactory`; an `AsyncLocalStorage` slot carries the token's deadline from that
 * factory back to the connection `create` returns, so concurrent creates cannot mix them up.
 *
 * LIMITATION: a deadline is checked when a connection is handed out, not while it is in use: a
 * transaction that starts just before the deadline finishes on the old sign-in. Azure SQL keeps
 * a session open past its token's expiry, so that work completes.
 */
export function createTokenBoundPool(options: TokenBoundPoolOptions): TokenBoundPool {
  const now = options.now ?? Date.now;
  const creating = new AsyncLocalStorage<CreateSlot>();
  const deadlines = new WeakMap<object, number>();

  const isWithinDeadline = (connection: object): boolean => {
    const deadline = deadlines.get(connection);
    return deadline !== undefined && now() < deadline;
  };

  class TokenBoundTarnPool<R> extends tarn.Pool<R> {
    constructor(opt: PoolOptions<R>) {
      const create = opt.create as () => Promise<R>;
      const validate = opt.validate as ((resource: R) => boolean | Promise<boolean>) | undefined;
      super({
        ...opt,
        create: () => {
          const slot: CreateSlot = {};
          const openedAt = now();
          return creating.run(slot, async () => {
            const resource = await create();
            deadlines.set(resource as object, slot.deadline ?? openedAt + options.maxLifetimeMs);
            return resource;
          });
        },
        // tarn awaits a promise from validate; its type only says boolean.
        validate: ((resource: R) =>
          isWithinDeadline(resource as object) ? (validate?.(resource) ?? true) : false) as (
          resource: R,
        ) => boolean,
      });
    }
  }

  return {
    Pool: TokenBoundTarnPool,
    bindToken: (token) => {
      const slot = creating.getStore();
      if (slot !== undefined) slot.deadline = connectionDeadline(token, now(), options);
    },
    isWithinDeadline,
  };
}
