import { afterEach, describe, expect, it, vi } from 'vitest';

import { createAzureServices } from './azure-services.js';

describe('production services', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('fails fast at cold start naming the missing settings, before any network call', async () => {
    vi.stubEnv('WEBSITE_INSTANCE_ID', 'test-instance');
    vi.stubEnv(
      'EDS_ISSUER',
      'https://login.microsoftonline.com/6f1d7a4e-0c1b-4e55-9a55-6d2f1e0de5a1/v2.0',
    );
    vi.stubEnv(
      'EDS_JWKS_URI',
      'https://login.microsoftonline.com/6f1d7a4e-0c1b-4e55-9a55-6d2f1e0de5a1/discovery/v2.0/keys',
    );
    const failure = await createAzureServices().then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toMatch(/^Invalid configuration: .*EDS_PG_HOST.*EDS_KEYVAULT_URL/);
  });

  it('refuses to run in Azure without an explicit issuer', async () => {
    vi.stubEnv('WEBSITE_INSTANCE_ID', 'test-instance');
    vi.stubEnv('EDS_ISSUER', undefined);
    await expect(createAzureServices()).rejects.toThrow(/EDS_ISSUER/);
  });
});
