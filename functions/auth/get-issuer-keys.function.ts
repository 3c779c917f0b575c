import { defineHttpFunction } from '../../shared/http/define-http-function.js';
import { issuerFor, IssuerParamsSchema } from './issuer-for.js';

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
