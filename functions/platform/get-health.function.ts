import { z } from 'zod';

import { defineHttpFunction } from '../../shared/http/define-http-function.js';

const HealthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

/**
 * Liveness probe. Public by design: it says the instance answers and nothing else (no versions,
 * no store states), so it tells an unauthenticated caller nothing worth having.
 */
defineHttpFunction({
  name: 'platform-get-health',
  capability: 'platform',
  route: 'health',
  methods: ['GET'],
  access: { public: true },
  summary: 'Liveness probe',
  response: HealthSchema,
  handler: async () => ({ body: { status: 'ok' } }),
});
