import { z } from 'zod';

import { AppError } from '../../shared/errors/app-error.js';
import { defineHttpFunction } from '../../shared/http/define-http-function.js';
import { getServices } from '../../shared/runtime/services.js';

const IssuerParamsSchema = z.object({ tenantId: z.string().uuid() }).strict();

async function issuerFor(tenantId: string) {
  const { issuer, config } = await getServices();
  if (issuer === undefined || tenantId !== config.tenantId) {
    throw new AppError('HTTP_NOT_FOUND', 'no development issuer for this tenant');
  }
  return issuer;
}

/** OIDC discovery of the development issuer. Local host only; public, as Entra's is. */
defineHttpFunction({
  name: 'auth-get-issuer-configuration',
  capability: 'auth',
  route: 'dev-issuer/{tenantId}/v2.0/.well-known/openid-configuration',
  methods: ['GET'],
  access: { public: true },
  localOnly: true,
  summary: 'Development issuer OIDC discovery document',
  params: IssuerParamsSchema,
  handler: async ({ params }) => ({ body: (await issuerFor(params.tenantId)).discovery() }),
});

/** The development issuer's public signing keys. Local host only; public, as Entra's are. */
defineHttpFunction({
  name: 'auth-get-issuer-keys',
  capability: 'auth',
  route: 'dev-issuer/{tenantId}/v2.0/discovery/keys',
  methods: ['GET'],
  access: { public: true },
  localOnly: true,
  summary: 'Development issuer JWKS',
  params: IssuerParamsSchema,
  handler: async ({ params }) => ({ body: (await issuerFor(params.tenantId)).jwks() }),
});
