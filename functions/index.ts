/**
 * Every function module, imported for its registration side effect. `package.json` `main`
 * points the Functions host at the compiled `*.function.js` files directly; the local host and
 * tests import this file, so both read the same definitions (a test checks none is missing).
 */
import './auth/get-issuer-configuration.function.js';
import './auth/get-issuer-keys.function.js';
import './compliance/checkpoint-audit.function.js';
import './compliance/verify-audit.function.js';
import './data/create-obligation.function.js';
import './data/create-vendor.function.js';
import './data/get-account-obligation.function.js';
import './data/get-account.function.js';
import './data/get-award.function.js';
import './data/get-contract-transaction.function.js';
import './data/get-contract.function.js';
import './data/get-expenditure.function.js';
import './data/get-recipient.function.js';
import './data/get-vendor.function.js';
import './data/list-account-obligations.function.js';
import './data/list-accounts.function.js';
import './data/list-awards.function.js';
import './data/list-contract-transactions.function.js';
import './data/list-contracts.function.js';
import './data/list-expenditures.function.js';
import './data/list-recipients.function.js';
import './data/list-vendors.function.js';
import './data/purge-idempotency-keys.function.js';
import './data/relay-audit-events.function.js';
import './data/rotate-field-keys.function.js';
import './data/unmask-recipient.function.js';
import './data/update-obligation.function.js';
import './data/update-vendor.function.js';
import './platform/get-health.function.js';
import './platform/get-openapi.function.js';
import './search/index-records.function.js';
import './search/query-records.function.js';
