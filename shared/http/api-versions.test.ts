import { describe, expect, it } from 'vitest';

import { API_VERSIONS, versionHeaders, versionOf } from './api-versions.js';

describe('API versions', () => {
  it('reads the version from a route and serves v1 as current with no lifecycle headers', () => {
    expect(versionOf('v1/awards/{id}')).toBe('v1');
    expect(versionOf('health')).toBeUndefined();
    expect(versionHeaders(API_VERSIONS['v1'])).toEqual({});
  });

  it('announces a deprecated version with Deprecation, Sunset and a successor link', () => {
    const headers = versionHeaders({
      state: 'deprecated',
      deprecatedAt: new Date('2027-01-01T00:00:00Z'),
      sunsetAt: new Date('2027-07-01T00:00:00Z'),
      successor: 'v2',
    });
    expect(headers).toEqual({
      Deprecation: '@1798761600',
      Sunset: 'Thu, 01 Jul 2027 00:00:00 GMT',
      Link: '</api/v2/>; rel="successor-version"',
    });
  });
});
