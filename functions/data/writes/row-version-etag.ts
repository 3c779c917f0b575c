import { AppError } from '../../../shared/errors/app-error.js';

const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e]*)"$/;
/** A tag of the form `<id>-<version>`, read for its version; the whole tag is compared after. */
const ROW_VERSION_TAG = /^\d{1,10}-(\d{1,10})$/;
const MAX_TAGS = 20;

/**
 * The strong entity tag of one version of a record: `"<id>-<version>"`. Write responses carry
 * it, and so does a read by id of a versioned resource on the Postgres store (see
 * `DataResource.versioned`).
 */
export function formatRowVersionEtag(id: number, version: number): string {
  return `"${id}-${version}"`;
}

function invalidIfMatch(): AppError {
  return new AppError('VALIDATION_FAILED', 'malformed If-Match', {
    details: { issues: [{ location: 'header', path: 'if-match', rule: 'invalid_format' }] },
  });
}

/**
 * The row versions of record `id` that an `If-Match` header names (RFC 9110 §13.1.1, strong
 * comparison: weak tags and tags of other records match nothing, so they yield no version).
 *
 * @throws AppError DATA_PRECONDITION_REQUIRED (428) when the header is absent or `*`: an update
 * must name the version it read. AppError VALIDATION_FAILED (400) when the header is malformed.
 */
export function readIfMatch(headers: ReadonlyMap<string, string>, id: number): number[] {
  const header = headers.get('if-match')?.trim();
  if (header === undefined || header === '') {
    throw new AppError('DATA_PRECONDITION_REQUIRED', 'update without a version to match', {
      publicMessage: 'Send If-Match with the ETag of the version you are updating.',
    });
  }
  if (header === '*') {
    // `*` matches any current version, so it would not stop a lost update.
    throw new AppError('DATA_PRECONDITION_REQUIRED', 'update with a wildcard If-Match', {
      publicMessage: 'If-Match: * names no version; send the ETag of the version you are updating.',
    });
  }
  const tags = header.split(',').map((tag) => tag.trim());
  if (tags.length > MAX_TAGS) throw invalidIfMatch();
  const versions: number[] = [];
  for (const tag of tags) {
    const match = ENTITY_TAG.exec(tag);
    if (match === null) throw invalidIfMatch();
    const parts = match[1] === undefined ? ROW_VERSION_TAG.exec(match[2] ?? '') : null;
    if (parts === null) continue;
    const version = Number(parts[1]);
    // Strong comparison is character by character: `"044-03"` names no version of record 44.
    if (tag === formatRowVersionEtag(id, version)) versions.push(version);
  }
  return versions;
}

/**
 * Checks the locked row against the versions `If-Match` named, for an update of `noun`.
 *
 * @throws AppError DATA_NOT_FOUND when the row is absent or outside the caller's divisions;
 * AppError DATA_PRECONDITION_FAILED (412) when its version is not one the caller named.
 */
export function assertVersionMatches<T extends { readonly rowVersion: number }>(
  before: T | undefined,
  versions: readonly number[],
  noun: string,
): T {
  if (before === undefined) throw new AppError('DATA_NOT_FOUND', `${noun} not in scope`);
  if (!versions.includes(before.rowVersion)) {
    throw new AppError('DATA_PRECONDITION_FAILED', `${noun} changed since If-Match version`);
  }
  return before;
}
