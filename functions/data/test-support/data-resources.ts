import type { DataResource, ListQueryBase } from '../data-resource.js';
import { accountObligationsResource } from '../resources/account-obligations-resource.js';
import { accountsResource } from '../resources/accounts-resource.js';
import { awardsResource } from '../resources/awards-resource.js';
import { contractTransactionsResource } from '../resources/contract-transactions-resource.js';
import { contractsResource } from '../resources/contracts-resource.js';
import { expendituresResource } from '../resources/expenditures-resource.js';
import { recipientsResource } from '../resources/recipients-resource.js';
import { vendorsResource } from '../resources/vendors-resource.js';

/** A resource whatever its item and query types, for tests that go through all of them. */
export type AnyResource = DataResource<{ id: number }, ListQueryBase>;

/** Every resource the data capability serves, in the order of the API's collections. */
export const DATA_RESOURCES: readonly AnyResource[] = [
  awardsResource,
  expendituresResource,
  recipientsResource,
  vendorsResource,
  contractsResource,
  contractTransactionsResource,
  accountsResource,
  accountObligationsResource,
] as unknown as AnyResource[];
