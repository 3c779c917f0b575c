import type { HttpOperationResult } from '../../../shared/registry/function-registry.js';

/** A successful write as the HTTP function returns it, and as an idempotency key replays it. */
export interface WriteResult extends HttpOperationResult {
  readonly status: 200 | 201;
  readonly body: Readonly<Record<string, unknown>>;
  /** `ETag`, `Location` on create, `Idempotency-Replayed` on a replay. */
  readonly headers: Readonly<Record<string, string>>;
  /** `vendors/<id>`: the record, for the request's audit event. */
  readonly auditResource: string;
}
