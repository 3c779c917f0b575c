/**
 * The persisted form of an encrypted field. Compatibility: every RESTRICTED value at rest is one
 * of these JSON strings, so the format is permanent. Version 1 is AES-256-GCM under a fresh
 * 256-bit data key per value, a 96-bit random IV and a 128-bit tag; the data key is wrapped by a
 * key-encryption key whose version is stored beside it; the additional authenticated data is
 * `ENVELOPE_AAD_PREFIX` followed by the caller's context (table/column/record id). Readers must
 * keep accepting `v: 1` forever; a change of algorithm, AAD or field meaning takes a new `v`, and
 * writers only ever emit the newest. Fields are base64url without padding; unknown fields are
 * rejected rather than ignored, so a reader never silently drops something a writer relied on.
 */
import { z } from 'zod';

import { AppError } from '../errors/app-error.js';

/** Prepended to the context to form the GCM additional authenticated data of a v1 envelope. */
export const ENVELOPE_AAD_PREFIX = 'eds.field.v1\u0000';

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/);

/** Version 1 of the envelope, as parsed from storage. */
export const EnvelopeSchema = z
  .object({
    v: z.literal(1),
    alg: z.literal('A256GCM'),
    /** Version of the key-encryption key that wrapped `wk`. */
    kv: z.string().min(1).max(128),
    /** The wrapped data key. */
    wk: base64url.max(512),
    iv: base64url.length(16),
    /** Ciphertext; empty for an empty plaintext. */
    ct: z.string().regex(/^[A-Za-z0-9_-]*$/),
    tag: base64url.length(22),
  })
  .strict();

export type Envelope = z.infer<typeof EnvelopeSchema>;

/** Serialises an envelope with a fixed key order, so equal envelopes are equal strings. */
export function serializeEnvelope(envelope: Envelope): string {
  const { v, alg, kv, wk, iv, ct, tag } = envelope;
  return JSON.stringify({ v, alg, kv, wk, iv, ct, tag });
}

/**
 * Parses stored text into an envelope.
 *
 * @throws AppError INTERNAL when the text is not a well-formed v1 envelope. The message never
 * quotes the input.
 */
export function parseEnvelope(text: string): Envelope {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new AppError('INTERNAL', 'Encrypted field is not valid JSON', { cause });
  }
  const parsed = EnvelopeSchema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError('INTERNAL', 'Encrypted field is not a v1 envelope');
  }
  return parsed.data;
}

/** The additional authenticated data that binds a v1 envelope to its context. */
export function envelopeAad(context: string): Buffer {
  return Buffer.from(`${ENVELOPE_AAD_PREFIX}${context}`, 'utf8');
}
