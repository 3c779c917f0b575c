import { describe, expect, it } from 'vitest';

import { assertKeyVaultClientOptions } from './key-vault-client-options.js';

const AZURE = { WEBSITE_INSTANCE_ID: 'abc' };
const LOCAL = {};

describe('assertKeyVaultClientOptions', () => {
  it('lets the local peer turn the challenge resource check off', () => {
    const options = { disableChallengeResourceVerification: true };

    expect(() =>
      assertKeyVaultClientOptions('https://127.0.0.1:8443', options, LOCAL),
    ).not.toThrow();
  });

  it('refuses to turn the challenge resource check off in Azure', () => {
    const options = { disableChallengeResourceVerification: true };
    const vault = 'https://eds-prod.vault.azure.net';

    expect(() => assertKeyVaultClientOptions(vault, options, AZURE)).toThrow(/required in Azure/);
  });

  it.each([
    ['a commercial vault', 'https://eds-prod.vault.azure.net'],
    ['an Azure Government vault', 'https://eds-prod.vault.usgovcloudapi.net'],
  ])('accepts %s in Azure', (_, vault) => {
    expect(() => assertKeyVaultClientOptions(vault, {}, AZURE)).not.toThrow();
  });

  it.each([
    ['a plain http URL', 'http://eds-prod.vault.azure.net', LOCAL],
    ['something that is not a URL', 'eds-prod', LOCAL],
    ['a look-alike domain in Azure', 'https://eds.vault.azure.net.example.com', AZURE],
    ['a loopback vault in Azure', 'https://127.0.0.1:8443', AZURE],
  ])('refuses %s without naming it', (_, vault, env) => {
    const run = (): void => assertKeyVaultClientOptions(vault, undefined, env);

    expect(run).toThrow(/Invalid configuration/);
    expect(run).not.toThrow(vault);
  });
});
