import { z } from 'zod';
import { describe, expect, it } from 'vitest';

import { parseEnv, safeParseEnv } from './parse-env.js';

const Schema = z.object({
  EDS_PORT: z.coerce.number().int().max(65535),
  EDS_PG_URL: z.string().url(),
  EDS_LOG_LEVEL: z.enum(['info', 'warn']).default('info'),
});

const SECRET = 'postgres://eds:hunter2-s3cret@db.internal/eds';

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a throw');
}

describe('parseEnv', () => {
  it('returns the parsed values with defaults applied', () => {
    const env = parseEnv(Schema, { EDS_PORT: '7071', EDS_PG_URL: 'postgres://localhost/eds' });
    expect(env).toEqual({
      EDS_PORT: 7071,
      EDS_PG_URL: 'postgres://localhost/eds',
      EDS_LOG_LEVEL: 'info',
    });
  });

  it('names every failing variable and nothing else', () => {
    const message = messageOf(() => parseEnv(Schema, { EDS_PORT: '99999', EDS_LOG_LEVEL: 'x' }));
    expect(message).toBe('Invalid configuration: EDS_PORT, EDS_PG_URL, EDS_LOG_LEVEL');
  });

  it('never puts a bad value in the message', () => {
    const message = messageOf(() =>
      parseEnv(Schema, {
        EDS_PORT: SECRET,
        EDS_PG_URL: `not a url ${SECRET}`,
        EDS_LOG_LEVEL: SECRET,
      }),
    );
    expect(message).toMatch(/^Invalid configuration: /);
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('db.internal');
  });
});

describe('safeParseEnv', () => {
  it('reports the failing names instead of throwing', () => {
    const parsed = safeParseEnv(Schema, { EDS_PORT: '1', EDS_PG_URL: SECRET.slice(0, 8) });
    expect(parsed).toEqual({ success: false, names: ['EDS_PG_URL'] });
  });
});
