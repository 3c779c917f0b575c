import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ROLES, ROLE_PERMISSIONS, type Role } from '../../shared/auth/roles.js';
import {
  listHttpFunctions,
  type HttpFunctionDefinition,
} from '../../shared/registry/function-registry.js';
import { startTestHost, type TestHost } from '../support/test-host.js';

/** Fills route parameters with values of the right shape; the record need not exist. */
function samplePath(route: string): string {
  return `/api/${route.replace(/\{id\}/g, '1').replace(/\{[A-Za-z]+\??\}/g, 'sample')}`;
}

const SAMPLE_BODY = { fields: ['ein'], reason: 'role matrix probe of the endpoint' };

function protectedFunctions(): HttpFunctionDefinition[] {
  return listHttpFunctions().filter(
    (fn) => fn.localOnly !== true && 'permission' in fn.access && fn.capability !== 'test',
  );
}

describe('role by endpoint matrix', () => {
  let t: TestHost;
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    t = await startTestHost({
      env: { EDS_RATE_LIMIT_PER_PRINCIPAL: '100000', EDS_RATE_LIMIT_PER_ADDRESS: '100000' },
    });
    for (const role of ROLES) {
      tokens.set(role, await t.token([role], ['DC'], { app: role === 'EDS.Jobs' }));
    }
  });
  afterAll(() => t.close());

  it('covers every registered protected endpoint', () => {
    expect(protectedFunctions().length).toBeGreaterThanOrEqual(18);
  });

  it('answers 401 to every protected endpoint without a token', async () => {
    for (const fn of protectedFunctions()) {
      for (const method of fn.methods) {
        const response = await t.request(method, samplePath(fn.route), {
          ...(method === 'GET' ? {} : { json: SAMPLE_BODY }),
        });
        expect(response.status, `${method} ${fn.route}`).toBe(401);
      }
    }
  });

  it('lets each role through exactly the endpoints its permissions name', async () => {
    const outcomes: string[] = [];
    for (const fn of protectedFunctions()) {
      const permission = 'permission' in fn.access ? fn.access.permission : undefined;
      for (const role of ROLES) {
        const allowed = permission !== undefined && ROLE_PERMISSIONS[role].includes(permission);
        for (const method of fn.methods) {
          const response = await t.request(method, samplePath(fn.route), {
            token: tokens.get(role) ?? '',
            ...(method === 'GET' ? {} : { json: SAMPLE_BODY }),
          });
          const granted = response.status !== 401 && response.status !== 403;
          if (granted !== allowed)
            outcomes.push(`${role} ${method} ${fn.route} -> ${response.status}`);
          expect(response.status).toBeLessThan(500);
        }
      }
    }
    expect(outcomes).toEqual([]);
  });
});
