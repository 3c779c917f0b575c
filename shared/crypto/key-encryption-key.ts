/**
 * Key-encryption keys (KEKs): wrap and unwrap per-record data keys. The KEK itself never leaves
 * its holder (Key Vault in Azure, the local key ring file locally).
 */
export interface WrappedKey {
  /** Identifies the KEK version that wrapped the data key; stored with the ciphertext. */
  readonly keyVersion: string;
  readonly wrapped: Uint8Array;
}

export interface KeyEncryptionKeyProvider {
  /** The version new data keys are wrapped under. */
  currentVersion(): Promise<string>;
  wrap(dataKey: Uint8Array): Promise<WrappedKey>;
  /** @throws AppError CRYPTO_KEY_UNAVAILABLE when the version is unknown or the holder is down. */
  unwrap(key: WrappedKey): Promise<Uint8Array>;
}
