/**
 * Signed audit checkpoints. Compatibility: stored signatures cover the canonical JSON of
 * `{format: 'eds.audit.checkpoint.v1', seq, hash, signedAt, keyId}` and are Ed25519 over its
 * UTF-8 bytes, base64url without padding; a new payload needs a new `format` value, and the
 * verifier keeps accepting v1.
 */
import { sign, verify, type KeyObject } from 'node:crypto';

import { canonicalJson } from '../crypto/canonical-json.js';

const FORMAT = 'eds.audit.checkpoint.v1';

/** The private key that signs checkpoints, and its id as stored beside each signature. */
export interface AuditSigningKeyRef {
  readonly keyId: string;
  readonly privateKey: KeyObject;
}

/** A public key the verifier accepts checkpoint signatures under. */
export interface AuditVerifyingKey {
  readonly keyId: string;
  readonly publicKey: KeyObject;
}

export interface AuditCheckpoint {
  readonly seq: number;
  /** The chain hash of event `seq`. */
  readonly hash: string;
  /** ISO-8601 UTC with milliseconds. */
  readonly signedAt: string;
  readonly keyId: string;
  /** Ed25519 signature, base64url. */
  readonly signature: string;
}

function payloadOf(checkpoint: Omit<AuditCheckpoint, 'signature'>): Buffer {
  const { seq, hash, signedAt, keyId } = checkpoint;
  return Buffer.from(canonicalJson({ format: FORMAT, seq, hash, signedAt, keyId }), 'utf8');
}

/** Signs the chain head at `seq` with the checkpoint key. */
export function signAuditCheckpoint(
  key: AuditSigningKeyRef,
  seq: number,
  hash: string,
  signedAt: Date,
): AuditCheckpoint {
  const unsigned = { seq, hash, signedAt: signedAt.toISOString(), keyId: key.keyId };
  const signature = sign(null, payloadOf(unsigned), key.privateKey).toString('base64url');
  return { ...unsigned, signature };
}

/** True when the checkpoint's signature holds under the key it names, among `keys`. */
export function isAuditCheckpointAuthentic(
  checkpoint: AuditCheckpoint,
  keys: readonly AuditVerifyingKey[],
): boolean {
  const key = keys.find((candidate) => candidate.keyId === checkpoint.keyId);
  if (key === undefined) return false;
  const signature = Buffer.from(checkpoint.signature, 'base64url');
  try {
    return verify(null, payloadOf(checkpoint), key.publicKey, signature);
  } catch {
    return false;
  }
}
