/**
 * Every function module, imported for its registration side effect. `package.json` `main`
 * points the Functions host at the compiled `*.function.js` files directly; the local host and
 * tests import this file, so both read the same definitions.
 */
import './platform/get-health.function.js';
import './platform/get-openapi.function.js';
import './auth/get-issuer-metadata.function.js';
import './compliance/verify-audit-trail.function.js';
