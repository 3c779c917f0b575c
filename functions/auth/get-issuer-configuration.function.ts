import { defineHttpFunction } from '../../shared/http/define-http-function.js';
import { issuerFor, IssuerParamsSchema } from './issuer-for.js';

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
