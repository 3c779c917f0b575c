import { describe, expect, it } from 'vitest';

import { startBanner } from './start-banner.js';

const CONFIG = {
  baseUrl: 'http://localhost:7311',
  issuer: 'http://localhost:7311/api/dev-issuer/t/v2.0',
  dataDir: '/tmp/eds data',
};

describe('start banner', () => {
  it('prints the token command bare on the defaults', () => {
    const banner = startBanner(CONFIG, true, {});
    expect(banner).toContain('  token:    npm run -s token -- --role EDS.Analyst --division DC');
    expect(banner).toContain('(finance data ready)');
  });

  it('carries the port and data directory the host was started with, quoted for the shell', () => {
    const banner = startBanner(CONFIG, false, {
      EDS_PORT: '7311',
      EDS_DATA_DIR: "/tmp/eds data/it's",
    });
    const command = `EDS_PORT=7311 EDS_DATA_DIR='/tmp/eds data/it'\\''s' npm run -s token --`;
    expect(banner).toContain(`  token:    ${command}`);
    expect(banner).toContain(`$(${command}`);
    expect(banner).toContain('(no seed)');
  });

  it('carries the tenant, audience and issuer too, which the token must name', () => {
    const env = { EDS_AUDIENCE: 'api://eds-custom', EDS_TENANT_ID: 'x', EDS_ISSUER: 'http://i' };
    const banner = startBanner(CONFIG, true, env);
    expect(banner).toContain(
      'token:    EDS_TENANT_ID=x EDS_AUDIENCE=api://eds-custom EDS_ISSUER=http://i npm run',
    );
  });
});
