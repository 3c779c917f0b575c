import type { HttpOperationResult } from '../../../shared/registry/function-registry.js';

/** What a change returns: its response, and the record it wrote. */
export interface WriteResult {
  readonly status: 200 | 201;
  readonly body: Readonly<Record<string, unknown>>;
  /** `ETag`, and `Location` on create. */
  readonly headers: Readonly<Record<string, string>>;
  /** The written record's resource noun, `vendors`. */
  readonly resource: string;
  readonly id: number;
}

/** A successful write as the HTTP function returns it, and as an idempotency key replays it. */
export interface WriteResponse extends HttpOperationResult {
  readonly status: 200 | 201;
  readonly body: Readonly<Record<string, unknown>>;
  /** `ETag`, `Location` on create, `Idempotency-Replayed` on a replay. */
  readonly headers: Readonly<Record<string, string>>;
  /** `vendors/<id>`: the record, for the request's audit events; see {@link auditResourceOf}. */
  readonly auditResource: string;
}

/** The record a write changed as its audit events name it: `vendors/<id>`. */
export function auditResourceOf(record: Pick<WriteResult, 'resource' | 'id'>): string {
  return `${record.resource}/${record.id}`;
}

/** The response to a change: its status, body and headers, and the record's audit name. */
export function toWriteResponse(result: WriteResult): WriteResponse {
  const { status, body, headers } = result;
  return { status, body, headers, auditResource: auditResourceOf(result) };
}
