import { defineTimerFunction } from '../../shared/registry/define-background-functions.js';
import { getServices } from '../../shared/runtime/services.js';

/**
 * Timer, every minute and once at start: moves audit events that writes queued in `audit_relay`
 * into the audit trail. Each write relays its own event right after commit; this catches the
 * ones whose relay failed (trail down, instance stopped). Runs as the owner role.
 */
defineTimerFunction({
  name: 'data-relay-audit-events',
  capability: 'data',
  schedule: '0 */1 * * * *',
  runOnStartup: true,
  handler: async () => {
    const services = await getServices();
    // Loaded on first run, not at cold start: the relay pulls in the query builder.
    const { relayAuditEvents } = await import('../../shared/audit/audit-relay.js');
    await relayAuditEvents(services);
  },
});
