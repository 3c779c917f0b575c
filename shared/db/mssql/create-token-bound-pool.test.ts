import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';

import { connectionDeadline } from './connection-deadline.js';
import { createTokenBoundPool } from './create-token-bound-pool.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 11, 4, 12, 0, 0);
const POLICY = { renewBeforeMs: 5 * MINUTE, maxLifetimeMs: 45 * MINUTE };

async function tokenExpiringAt(epochMs: number): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime(Math.floor(epochMs / 1000))
    .sign(new TextEncoder().encode('a test key, never a real one, 32+ bytes'));
}

describe('connectionDeadline', () => {
  it('retires a connection five minutes before its token expires', async () => {
    const token = await tokenExpiringAt(T0 + 30 * MINUTE);
    expect(connectionDeadline(token, T0, POLICY)).toBe(T0 + 25 * MINUTE);
  });

  it('caps a long-lived token at the maximum connection lifetime', async () => {
    const token = await tokenExpiringAt(T0 + 24 * 60 * MINUTE);
    expect(connectionDeadline(token, T0, POLICY)).toBe(T0 + 45 * MINUTE);
  });

  it('gives a token that is not a JWT the maximum lifetime only', () => {
    expect(connectionDeadline('opaque-token', T0, POLICY)).toBe(T0 + 45 * MINUTE);
  });
});

describe('token-bound tarn pool', () => {
  let now = T0;
  // tarn's destroy waits for every acquired connection to come back.
  const pools: { pool: { destroy(): unknown; release(c: unknown): unknown }; held: unknown[] }[] =
    [];
  afterEach(async () => {
    for (const { pool, held } of pools) for (const connection of held) pool.release(connection);
    await Promise.all(pools.splice(0).map(({ pool }) => pool.destroy()));
    now = T0;
  });

  /** A pool of plain objects, each created by a factory that signs in with a fresh token. */
  async function openPool(tokenLifetimeMs: number, validate?: (c: { n: number }) => boolean) {
    const bound = createTokenBoundPool({ ...POLICY, now: () => now });
    const created: { n: number }[] = [];
    const destroyed: { n: number }[] = [];
    const pool = new bound.Pool({
      min: 0,
      max: 2,
      create: async () => {
        bound.bindToken(await tokenExpiringAt(now + tokenLifetimeMs));
        const connection = { n: created.length + 1 };
        created.push(connection);
        return connection;
      },
      destroy: (connection: { n: number }) => {
        destroyed.push(connection);
      },
      ...(validate === undefined ? {} : { validate }),
    });
    const held: unknown[] = [];
    pools.push({ pool, held });
    return { bound, pool, created, destroyed, held };
  }

  it('hands the same connection out again while its token has time left', async () => {
    const { pool, created, held } = await openPool(60 * MINUTE);
    const first = await pool.acquire().promise;
    pool.release(first);
    now += 20 * MINUTE;
    const second = await pool.acquire().promise;
    held.push(second);
    expect(second).toBe(first);
    expect(created).toHaveLength(1);
  });

  it('destroys and replaces a connection whose token expires within five minutes', async () => {
    const { pool, created, destroyed, bound, held } = await openPool(30 * MINUTE);
    const first = await pool.acquire().promise;
    pool.release(first);
    now += 25 * MINUTE;
    expect(bound.isWithinDeadline(first)).toBe(false);
    const second = await pool.acquire().promise;
    held.push(second);
    expect(second).not.toBe(first);
    expect(destroyed).toEqual([first]);
    expect(created).toHaveLength(2);
    expect(bound.isWithinDeadline(second)).toBe(true);
  });

  it('still asks the dialect validator about a connection within its deadline', async () => {
    const broken = new Set<unknown>();
    const { pool, created, held } = await openPool(60 * MINUTE, (c) => !broken.has(c));
    const first = await pool.acquire().promise;
    pool.release(first);
    broken.add(first);
    const second = await pool.acquire().promise;
    held.push(second);
    expect(second).not.toBe(first);
    expect(created).toHaveLength(2);
  });

  it('records deadlines per connection when two are created at once', async () => {
    const bound = createTokenBoundPool({ ...POLICY, now: () => now });
    const lifetimes = [60 * MINUTE, 10 * MINUTE];
    const pool = new bound.Pool({
      min: 0,
      max: 2,
      create: async () => {
        const lifetime = lifetimes.shift() ?? 0;
        // The longer-lived token arrives last, so a shared slot would mix the two up.
        await new Promise((resolve) => setTimeout(resolve, lifetime === 60 * MINUTE ? 10 : 0));
        bound.bindToken(await tokenExpiringAt(now + lifetime));
        return { lifetime };
      },
      destroy: () => undefined,
    });
    const [a, b] = await Promise.all([pool.acquire().promise, pool.acquire().promise]);
    pools.push({ pool, held: [a, b] });
    now += 6 * MINUTE;
    const long = [a, b].find((c) => (c as { lifetime: number }).lifetime === 60 * MINUTE);
    const short = [a, b].find((c) => (c as { lifetime: number }).lifetime === 10 * MINUTE);
    expect(bound.isWithinDeadline(long as object)).toBe(true);
    expect(bound.isWithinDeadline(short as object)).toBe(false);
  });
});
