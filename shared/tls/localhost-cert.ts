import { generate } from 'selfsigned';

/** PEM material for a local HTTPS peer and the one CA a client should trust for it. */
export interface LocalhostCertificate {
  /** Leaf certificate for `localhost`, `127.0.0.1` and `::1`, signed by `ca`. */
  readonly cert: string;
  /** The leaf's private key (PKCS#8). Held by the local server only. */
  readonly key: string;
  /** A throwaway CA certificate; pass it as the client's trusted CA, never as a server cert. */
  readonly ca: string;
}

/** Options of {@link createLocalhostCertificate}. */
export interface LocalhostCertificateOptions {
  /** How long the certificates stay valid; one hour when absent. */
  readonly validityMs?: number;
  /** Start of validity, minus a minute of skew; the current time when absent. */
  readonly now?: Date;
}

const DEFAULT_VALIDITY_MS = 60 * 60 * 1000;
const SKEW_MS = 60 * 1000;
const LOOPBACK_NAMES = [
  { type: 2, value: 'localhost' },
  { type: 7, ip: '127.0.0.1' },
  { type: 7, ip: '::1' },
] as const;

/**
 * Generates a fresh, short-lived CA and a loopback server certificate signed by it, so local
 * HTTPS peers run with TLS verification on and clients trust exactly this CA.
 *
 * Both keys are P-256 and exist only in memory; nothing is written to disk.
 *
 * > [!WARNING]
 * > For local peers and tests only. The CA can sign anything; never add it to a system trust
 * > store or to `NODE_EXTRA_CA_CERTS` of a process that talks to real services.
 */
export async function createLocalhostCertificate(
  options: LocalhostCertificateOptions = {},
): Promise<LocalhostCertificate> {
  const notBeforeDate = new Date((options.now ?? new Date()).getTime() - SKEW_MS);
  const notAfterDate = new Date(
    notBeforeDate.getTime() + SKEW_MS + (options.validityMs ?? DEFAULT_VALIDITY_MS),
  );
  const common = {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
  } as const;

  const ca = await generate([{ name: 'commonName', value: 'EDS local peer CA' }], {
    ...common,
    extensions: [
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const leaf = await generate([{ name: 'commonName', value: 'localhost' }], {
    ...common,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...LOOPBACK_NAMES] },
    ],
  });
  return { cert: leaf.cert, key: leaf.private, ca: ca.cert };
}
