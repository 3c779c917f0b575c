import { AppError, isAppError } from '../errors/app-error.js';

/** The Cosmos DB status of an SDK error, if it carries one. */
export function cosmosStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof code === 'number') return code;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

/** Cosmos DB's sub-status for "the container or database does not exist". */
const OWNER_RESOURCE_MISSING = 1003;

/**
 * True for a 404 that means the record is missing, not its container: a missing container is a
 * store fault, never a "not found" for the caller.
 */
export function isRecordMissing(
  status: number | undefined,
  substatus: number | undefined,
): boolean {
  return status === 404 && substatus !== OWNER_RESOURCE_MISSING;
}

/**
 * Maps a Cosmos DB SDK failure to the app's errors: 404 DATA_NOT_FOUND (a missing container,
 * sub-status 1003, is STORE_UNAVAILABLE), 409 DATA_CONFLICT,
 * 412 DATA_PRECONDITION_FAILED, everything else (401/403, 429 after the SDK's own retries, 5xx,
 * network, TLS) STORE_UNAVAILABLE. The message names the operation and status only, never an id,
 * partition key or query. An `AppError` passes through unchanged.
 */
export function toCosmosFailure(operation: string, error: unknown): AppError {
  if (isAppError(error)) return error;
  const status = cosmosStatus(error);
  const { substatus } = error as { substatus?: unknown };
  if (status === 404 && substatus === OWNER_RESOURCE_MISSING) {
    return new AppError('STORE_UNAVAILABLE', `Cosmos DB ${operation} failed: container missing`, {
      cause: error,
    });
  }
  const outcome = status === undefined ? 'no status' : `HTTP ${status}`;
  const message = `Cosmos DB ${operation} failed: ${outcome}`;
  switch (status) {
    case 404:
      return new AppError('DATA_NOT_FOUND', message, { cause: error });
    case 409:
      return new AppError('DATA_CONFLICT', message, { cause: error });
    case 412:
      return new AppError('DATA_PRECONDITION_FAILED', message, { cause: error });
    default:
      return new AppError('STORE_UNAVAILABLE', message, { cause: error });
  }
}
