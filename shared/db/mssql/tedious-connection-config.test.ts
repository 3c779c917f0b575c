import tedious from 'tedious';
import { describe, expect, it } from 'vitest';

import { createLogger } from '../../logging/logger.js';
import { createMssqlAppDatabase } from './mssql-app-database.js';
import { tediousConnectionConfig } from './tedious-connection-config.js';
import { toContainsCondition } from './to-contains-condition.js';

// Loopback only: nothing here connects, but no test may even name another host.
const TARGET = { server: '127.0.0.1', database: 'eds' };

describe('tedious connection configuration', () => {
  it('signs in with the Entra access token over verified TLS 1.2 or later', () => {
    const config = tediousConnectionConfig(TARGET, 'token-value');
    expect(config.authentication).toEqual({
      type: 'azure-active-directory-access-token',
      options: { token: 'token-value' },
    });
    expect(config.options).toMatchObject({
      database: 'eds',
      port: 1433,
      encrypt: true,
      trustServerCertificate: false,
      cryptoCredentialsDetails: { minVersion: 'TLSv1.2' },
      requestTimeout: 15_000,
    });
  });

  it('is a configuration tedious accepts, without connecting', () => {
    const connection = new tedious.Connection(tediousConnectionConfig(TARGET, 'token-value'));
    expect(connection.config.options.encrypt).toBe(true);
    expect(connection.config.options.trustServerCertificate).toBe(false);
  });

  it('opens and closes the app database without asking for a token or connecting', async () => {
    let asked = 0;
    const db = createMssqlAppDatabase({
      ...TARGET,
      tokenCache: {
        getToken: () => {
          asked += 1;
          return Promise.reject(new Error('no token in tests'));
        },
      },
      logger: createLogger('silent'),
    });
    await db.close();
    expect(asked).toBe(0);
    expect(db.dialect.name).toBe('mssql');
  });
});

describe('toContainsCondition', () => {
  it('requires every word in any inflected form', () => {
    expect(toContainsCondition('bridge repairs')).toBe(
      'FORMSOF(INFLECTIONAL, "bridge") AND FORMSOF(INFLECTIONAL, "repairs")',
    );
  });

  it.each([['" OR "a'], ['NEAR((a, b), 2)'], ['bri*'], ["x' OR 1=1 --"]])(
    'reduces %j to quoted words, so no full-text operator survives',
    (text) => {
      const condition = toContainsCondition(text) ?? '';
      const inner = condition.replaceAll(/FORMSOF\(INFLECTIONAL, "[\p{L}\p{N}]+"\)( AND )?/gu, '');
      expect(inner).toBe('');
    },
  );

  it('returns nothing for text without a word', () => {
    expect(toContainsCondition("'%_-- ;")).toBeUndefined();
  });
});
