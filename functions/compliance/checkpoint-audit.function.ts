import { defineTimerFunction } from '../../shared/registry/define-background-functions.js';
import { getServices } from '../../shared/runtime/services.js';

/**
 * Timer, every five minutes: signs a checkpoint over the audit trail's head when events have
 * arrived since the last one. Checkpoints also come every `EDS_AUDIT_CHECKPOINT_EVERY` events;
 * this bounds in time, not only in events, how much of the trail's tail is unsigned (open to a
 * rewrite by someone with DBA rights that verification alone would not notice). A quiet trail
 * gets no new checkpoint.
 */
defineTimerFunction({
  name: 'compliance-checkpoint-audit',
  capability: 'compliance',
  schedule: '0 */5 * * * *',
  runOnStartup: false,
  handler: async () => {
    const services = await getServices();
    await services.audit.checkpoint();
  },
});
