/**
 * The local stand-in for Key Vault. Compatibility: `key-ring.json` holds every key-encryption key
 * that ever wrapped a stored data key, so losing or rewriting a version loses data. The file is
 * `{format, v: 1, current, keys[], auditSigning}`; keys are AES-256 key-wrap (RFC 3394) keys
 * named `kek-NNNN`, never removed; `auditSigning` is one Ed25519 key in JWK form whose id is its
 * RFC 7638 thumbprint. Readers must accept `v: 1` forever; new fields take a new `v`.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { z } from 'zod';

import { isAzureRuntime } from '../config/app-config.js';
import { AppError } from '../errors/app-error.js';
import type { KeyEncryptionKeyProvider, WrappedKey } from './key-encryption-key.js';
import { createExclusively, replaceOwnerOnly } from '../fs/owner-only-file.js';
import { ensurePrivateDirectory } from '../fs/private-directory.js';
import { resolveInside } from '../fs/safe-path.js';

/** The key ring's file name inside its directory. */
export const KEY_RING_FILE = 'key-ring.json';

const KEK_BYTES = 32;
const DATA_KEY_BYTES = 32;
/** RFC 3394 default initial value; the unwrap checks it, which is the wrap's integrity check. */
const AES_KW_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');
const VERSION_PATTERN = /^kek-(\d{4,})$/;

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/);

const KeyRingFileSchema = z
  .object({
    format: z.literal('eds-local-key-ring'),
    v: z.literal(1),
    current: z.string().regex(VERSION_PATTERN),
    keys: z
      .array(
        z
          .object({
            version: z.string().regex(VERSION_PATTERN),
            createdAt: z.iso.datetime(),
            alg: z.literal('A256KW'),
            k: base64url.length(43),
          })
          .strict(),
      )
      .min(1),
    auditSigning: z
      .object({
        kid: base64url,
        createdAt: z.iso.datetime(),
        kty: z.literal('OKP'),
        crv: z.literal('Ed25519'),
        x: base64url,
        d: base64url,
      })
      .strict(),
  })
  .strict();

type KeyRingFile = z.infer<typeof KeyRingFileSchema>;

/** The Ed25519 key that signs audit checkpoints, and its id as stored beside each signature. */
export interface AuditSigningKey {
  /** RFC 7638 JWK thumbprint of the public key. */
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export interface KeyVersionInfo {
  readonly version: string;
  readonly createdAt: string;
}

/** A key-encryption key provider backed by an owner-only file, for local runs and tests. */
export interface LocalKeyRing extends KeyEncryptionKeyProvider {
  /** Absolute or relative path of the key ring file. */
  readonly path: string;
  /** Every KEK version, oldest first; no key material. */
  listVersions(): readonly KeyVersionInfo[];
  /** Adds a new KEK version, makes it current, persists the ring and returns the new version. */
  rotate(): Promise<string>;
  /** The audit checkpoint signing key kept in the same owner-only file. */
  auditSigningKey(): AuditSigningKey;
}

export interface LocalKeyRingOptions {
  /** Environment used to detect Azure; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Clock for `createdAt` stamps; defaults to the system clock. */
  readonly now?: () => Date;
}

function versionName(n: number): string {
  return `kek-${String(n).padStart(4, '0')}`;
}

function versionNumber(version: string): number {
  return Number(VERSION_PATTERN.exec(version)?.[1] ?? Number.NaN);
}

function jwkThumbprint(x: string): string {
  // RFC 7638 §3.2: required members only, lexicographic order, no whitespace.
  const canonical = JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x });
  return createHash('sha256').update(canonical).digest('base64url');
}

function newKekEntry(version: string, now: Date): KeyRingFile['keys'][number] {
  const k = randomBytes(KEK_BYTES).toString('base64url');
  return { version, createdAt: now.toISOString(), alg: 'A256KW', k };
}

function newRingFile(now: Date): KeyRingFile {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string' || typeof jwk.d !== 'string') {
    throw new Error('Local key ring: Ed25519 key export returned no JWK members');
  }
  const createdAt = now.toISOString();
  const kid = jwkThumbprint(jwk.x);
  return {
    format: 'eds-local-key-ring',
    v: 1,
    current: versionName(1),
    keys: [newKekEntry(versionName(1), now)],
    auditSigning: { kid, createdAt, kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d },
  };
}

const ringText = (ring: KeyRingFile): string => `${JSON.stringify(ring, null, 2)}\n`;

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function readRingFile(path: string): Promise<KeyRingFile> {
  const info = await lstat(path);
  if (!info.isFile()) {
    throw new Error(`Local key ring: ${path} is not a regular file`);
  }
  if ((info.mode & 0o077) !== 0) {
    throw new Error(`Local key ring: ${path} is readable by group or others; chmod 600 it`);
  }
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    throw new Error(`Local key ring: ${path} is not owned by the current user`);
  }
  const parsed = KeyRingFileSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success) {
    throw new Error(`Local key ring: ${path} is not a v1 key ring`);
  }
  if (!parsed.data.keys.some((key) => key.version === parsed.data.current)) {
    throw new Error(`Local key ring: ${path} names a current version it does not hold`);
  }
  return parsed.data;
}

function aesKeyWrap(kek: Buffer, dataKey: Uint8Array): Buffer {
  const cipher = createCipheriv('id-aes256-wrap', kek, AES_KW_IV);
  return Buffer.concat([cipher.update(dataKey), cipher.final()]);
}

function aesKeyUnwrap(kek: Buffer, wrapped: Uint8Array): Buffer {
  const decipher = createDecipheriv('id-aes256-wrap', kek, AES_KW_IV);
  return Buffer.concat([decipher.update(wrapped), decipher.final()]);
}

/**
 * Opens (or creates) the local key ring at `${dir}/key-ring.json`: versioned AES-256 key-wrap
 * KEKs plus the Ed25519 audit checkpoint signing key, in one owner-only file.
 *
 * A new ring is created with file mode 0600 in a 0700 directory, through an exclusive link so
 * two processes starting together cannot each write a different ring.
 *
 * > [!WARNING]
 * > Keys sit in clear in this file, protected only by its permissions. It is for local runs and
 * > tests; in Azure, KEKs live in Key Vault and this function refuses to run.
 *
 * LIMITATION: `rotate` re-reads the file before writing, but two processes rotating at the same
 * instant can still lose one of the new versions; rotate from one process at a time.
 *
 * @throws Error at start-up when running in Azure, when the file or directory is group- or
 * world-accessible or not owned by the current user, when the file is a symlink or malformed,
 * or when the directory is not private as `ensurePrivateDirectory` reads it.
 */
export async function openLocalKeyRing(
  dir: string,
  options: LocalKeyRingOptions = {},
): Promise<LocalKeyRing> {
  if (isAzureRuntime(options.env ?? process.env)) {
    throw new Error('Local key ring refuses to run in Azure; use Key Vault');
  }
  const now = options.now ?? (() => new Date());
  const path = resolveInside(dir, KEY_RING_FILE);
  await ensurePrivateDirectory(dir, 'Local key ring directory');
  if (!(await exists(path))) await createExclusively(dir, path, ringText(newRingFile(now())));
  let ring = await readRingFile(path);
  const signing = loadSigningKey(ring);
  let rotation: Promise<unknown> = Promise.resolve();

  const kekOf = (version: string): Buffer | undefined => {
    const entry = ring.keys.find((key) => key.version === version);
    return entry === undefined ? undefined : Buffer.from(entry.k, 'base64url');
  };

  const rotateOnce = async (): Promise<string> => {
    const latest = await readRingFile(path);
    const next = versionName(Math.max(...latest.keys.map((key) => versionNumber(key.version))) + 1);
    const entry = newKekEntry(next, now());
    const updated: KeyRingFile = { ...latest, current: next, keys: [...latest.keys, entry] };
    await replaceOwnerOnly(dir, path, ringText(updated));
    ring = updated;
    return next;
  };

  return {
    path,
    currentVersion: async () => ring.current,
    listVersions: () => ring.keys.map(({ version, createdAt }) => ({ version, createdAt })),

    async wrap(dataKey: Uint8Array): Promise<WrappedKey> {
      if (dataKey.length !== DATA_KEY_BYTES) {
        throw new AppError('INTERNAL', 'Data key must be 32 bytes');
      }
      const keyVersion = ring.current;
      const kek = kekOf(keyVersion);
      if (kek === undefined) {
        throw new AppError('CRYPTO_KEY_UNAVAILABLE', 'Current key version missing from key ring');
      }
      return { keyVersion, wrapped: aesKeyWrap(kek, dataKey) };
    },

    async unwrap(key: WrappedKey): Promise<Uint8Array> {
      let kek = kekOf(key.keyVersion);
      if (kek === undefined) {
        // Another process may have rotated since this ring was read.
        ring = await readRingFile(path);
        kek = kekOf(key.keyVersion);
      }
      if (kek === undefined) {
        throw new AppError('CRYPTO_KEY_UNAVAILABLE', 'Key version not in the local key ring');
      }
      try {
        return aesKeyUnwrap(kek, key.wrapped);
      } catch (cause) {
        throw new AppError('INTERNAL', 'Wrapped data key failed its integrity check', { cause });
      }
    },

    rotate(): Promise<string> {
      const result = rotation.then(rotateOnce);
      rotation = result.catch(() => undefined);
      return result;
    },

    auditSigningKey: () => signing,
  };
}

function loadSigningKey(ring: KeyRingFile): AuditSigningKey {
  const { kid, kty, crv, x, d } = ring.auditSigning;
  if (jwkThumbprint(x) !== kid) {
    throw new Error('Local key ring: audit signing key id does not match its public key');
  }
  const privateKey = createPrivateKey({ key: { kty, crv, x, d }, format: 'jwk' });
  return { keyId: kid, privateKey, publicKey: createPublicKey(privateKey) };
}
