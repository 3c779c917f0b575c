import type { AuditEvent } from '../../shared/audit/audit-event.js';
import { recordedAddressOf } from '../../shared/http/client-address.js';
import type { HostRefusal, RoutedRefusal } from './local-http-server.js';

/**
 * The `http.request` event of a request the host refused before its function ran (a body over
 * the function's limit), as the pipeline records the same refusal when the Functions host hands
 * it the request in Azure: anonymous (the body check comes before the token), the function, route
 * and permission, the status, error code and correlation id the caller was answered with.
 */
export function routedRefusalEvent(refusal: HostRefusal, routed: RoutedRefusal): AuditEvent {
  const { definition } = routed;
  return {
    type: 'http.request',
    actor: 'anonymous',
    correlationId: refusal.correlationId,
    // The host refuses only what the caller sent wrong, never an access: a failure, not a denial.
    outcome: 'failure',
    clientAddress: recordedAddressOf(routed.clientAddress),
    function: definition.name,
    method: refusal.method,
    route: definition.route,
    permission: 'permission' in definition.access ? definition.access.permission : 'public',
    status: refusal.status,
    errorCode: refusal.code,
  };
}
