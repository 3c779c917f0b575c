import { z, type ZodType } from 'zod';
import { describe, expect, it } from 'vitest';

import { listHttpFunctions } from '../../shared/registry/function-registry.js';
import { defineListFunction } from './define-data-functions.js';
import { awardsResource, type ListAwardsQuery } from './resources/awards-resource.js';

describe('defineListFunction', () => {
  it('refuses a list query schema that is not an object of parameters, registering nothing', () => {
    const before = listHttpFunctions().length;
    const notAnObject = z.string() as unknown as ZodType<ListAwardsQuery>;
    expect(() =>
      defineListFunction({
        name: 'data-list-awards-miswired',
        route: 'v1/awards-miswired',
        summary: 'A list wired to a schema that is not an object',
        resource: awardsResource,
        query: notAnObject,
        pageId: 'AwardsMiswiredPage',
      }),
    ).toThrow('A list query schema must be a Zod object');
    expect(listHttpFunctions()).toHaveLength(before);
    expect(listHttpFunctions().some((fn) => fn.name === 'data-list-awards-miswired')).toBe(false);
  });
});
