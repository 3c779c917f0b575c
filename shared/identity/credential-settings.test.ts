import { describe, expect, it } from 'vitest';

import { loadCredentialSettings } from './credential-settings.js';

const CLIENT_ID = '0b5a3f7e-2d4c-4a8e-9f1b-6c7d8e9f0a1b';
const AZURE = { WEBSITE_INSTANCE_ID: 'abc' };

describe('loadCredentialSettings', () => {
  it('defaults to the local credential outside Azure', () => {
    expect(loadCredentialSettings({})).toEqual({ mode: 'local' });
  });

  it('defaults to the managed identity in Azure and needs its client id', () => {
    expect(() => loadCredentialSettings(AZURE)).toThrow(/EDS_MANAGED_IDENTITY_CLIENT_ID/);
    expect(loadCredentialSettings({ ...AZURE, EDS_MANAGED_IDENTITY_CLIENT_ID: CLIENT_ID })).toEqual(
      { mode: 'managed-identity', clientId: CLIENT_ID },
    );
  });

  it('refuses the local credential in Azure even when asked for explicitly', () => {
    expect(() => loadCredentialSettings({ ...AZURE, EDS_CREDENTIAL: 'local' })).toThrow(/Azure/);
  });

  it('names a malformed variable without echoing its value', () => {
    const run = (): unknown =>
      loadCredentialSettings({ EDS_MANAGED_IDENTITY_CLIENT_ID: 'secret!' });

    expect(run).toThrow(/EDS_MANAGED_IDENTITY_CLIENT_ID/);
    expect(run).not.toThrow(/secret!/);
  });
});
