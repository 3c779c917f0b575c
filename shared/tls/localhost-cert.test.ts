import { X509Certificate } from 'node:crypto';
import { createServer, get } from 'node:https';
import type { AddressInfo } from 'node:net';

import { describe, expect, it } from 'vitest';

import { createLocalhostCertificate } from './localhost-cert.js';

async function fetchStatus(port: number, ca: string | undefined, host = '127.0.0.1') {
  return new Promise<number | string>((resolve) => {
    get({ host, port, path: '/', agent: false, ...(ca === undefined ? {} : { ca }) }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

describe('createLocalhostCertificate', () => {
  it('names only the loopback host and addresses and is signed by the returned CA', async () => {
    const { cert, ca } = await createLocalhostCertificate();
    const leaf = new X509Certificate(cert);
    const authority = new X509Certificate(ca);

    expect(leaf.subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(leaf.ca).toBe(false);
    expect(authority.ca).toBe(true);
    expect(leaf.checkIssued(authority)).toBe(true);
    expect(leaf.verify(authority.publicKey)).toBe(true);
  });

  it('is valid for about an hour by default and for the asked time otherwise', async () => {
    const now = new Date('2026-12-04T12:00:00Z');
    const short = new X509Certificate((await createLocalhostCertificate({ now })).cert);
    const day = new X509Certificate(
      (await createLocalhostCertificate({ now, validityMs: 86_400_000 })).cert,
    );

    expect(new Date(short.validFrom).getTime()).toBe(now.getTime() - 60_000);
    expect(new Date(short.validTo).getTime()).toBe(now.getTime() + 3_600_000);
    expect(new Date(day.validTo).getTime()).toBe(now.getTime() + 86_400_000);
  });

  it('makes a fresh key pair and CA on every call', async () => {
    const [a, b] = await Promise.all([createLocalhostCertificate(), createLocalhostCertificate()]);

    expect(a.key).not.toBe(b.key);
    expect(a.ca).not.toBe(b.ca);
  });

  it('serves TLS that a client trusting the CA accepts and any other client refuses', async () => {
    const tls = await createLocalhostCertificate();
    const other = await createLocalhostCertificate();
    const server = createServer({ cert: tls.cert, key: tls.key }, (_, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;

    const results = [
      await fetchStatus(port, tls.ca),
      await fetchStatus(port, tls.ca, 'localhost'),
      await fetchStatus(port, other.ca),
      await fetchStatus(port, undefined),
    ];
    await new Promise((resolve) => server.close(resolve));

    expect(results.slice(0, 2)).toEqual([200, 200]);
    // Both CAs share a subject, so OpenSSL finds the other one and fails on its signature.
    expect(results.slice(2)).toEqual(['CERT_SIGNATURE_FAILURE', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']);
  });
});
