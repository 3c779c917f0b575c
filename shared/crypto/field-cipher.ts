/**
 * Field-level encryption of RESTRICTED values, as the rest of the app sees it.
 *
 * Compatibility: `EncryptedField` is persisted; see `envelope.ts` for its serialised form.
 */
declare const encryptedBrand: unique symbol;

/** A serialised envelope (JSON text) that only `FieldCipher.encrypt` makes. */
export type EncryptedField = string & { readonly [encryptedBrand]: true };

export interface FieldCipher {
  /**
   * Encrypts one value under a fresh data key, bound to `context` (table, column, record id) as
   * additional authenticated data, so a ciphertext moved to another row fails to decrypt.
   */
  encrypt(plaintext: string, context: string): Promise<EncryptedField>;
  /**
   * @throws AppError CRYPTO_KEY_UNAVAILABLE when the key is missing; never returns partial text.
   */
  decrypt(field: EncryptedField, context: string): Promise<string>;
}
