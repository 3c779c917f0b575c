import type { SecretSource, SecretValue } from '../../keyvault/key-vault-secret-source.js';
import type { SearchResource } from '../search-resource.js';

/** A small catalogue with a field at each indexable level, for adapter tests. */
export const TEST_RESOURCES: readonly SearchResource[] = [
  {
    name: 'awards',
    table: 'awards',
    titleField: 'programName',
    fields: [
      { name: 'aln', column: 'aln', classification: 'PUBLIC' },
      { name: 'programName', column: 'program_name', classification: 'PUBLIC' },
      { name: 'awardIdentification', column: 'award_identification', classification: 'INTERNAL' },
      {
        name: 'passthroughAwardIds',
        column: 'passthrough_award_ids',
        classification: 'CONFIDENTIAL',
      },
    ],
  },
  {
    name: 'recipients',
    table: 'recipients',
    titleField: 'name',
    fields: [
      { name: 'name', column: 'name', classification: 'PUBLIC' },
      { name: 'city', column: 'city', classification: 'PUBLIC' },
      { name: 'uei', column: 'uei', classification: 'CONFIDENTIAL' },
    ],
  },
];

/** A secret source whose value and version a test sets; counts reads. Test double. */
export interface FakeSecretSource extends SecretSource {
  reads: number;
  rotate(value: string, version: string): void;
  fail(error: Error | undefined): void;
}

export function createFakeSecretSource(value: string, version: string): FakeSecretSource {
  let secret: Omit<SecretValue, 'name'> = { value, version };
  let failure: Error | undefined;
  const source: FakeSecretSource = {
    reads: 0,
    getSecret(name) {
      source.reads += 1;
      if (failure !== undefined) return Promise.reject(failure);
      return Promise.resolve({ name, ...secret });
    },
    rotate(nextValue, nextVersion) {
      secret = { value: nextValue, version: nextVersion };
    },
    fail(error) {
      failure = error;
    },
  };
  return source;
}
