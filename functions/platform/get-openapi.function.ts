import { defineHttpFunction } from '../../shared/http/define-http-function.js';
import { listHttpFunctions } from '../../shared/registry/function-registry.js';
import { getServices } from '../../shared/runtime/services.js';

let cached: Record<string, unknown> | undefined;

/**
 * The OpenAPI 3.1 description of every registered function. Public: the contract is not secret,
 * and each operation names the permission it needs.
 */
defineHttpFunction({
  name: 'platform-get-openapi',
  capability: 'platform',
  route: 'v1/openapi.json',
  methods: ['GET'],
  access: { public: true },
  summary: 'OpenAPI 3.1 description of the API',
  handler: async () => {
    if (cached === undefined) {
      // Built on first request, not at cold start: the generator is only needed here.
      const { buildOpenApiDocument } = await import('../../shared/http/openapi-document.js');
      const { config } = await getServices();
      cached = buildOpenApiDocument(listHttpFunctions(), {
        title: 'EDS federal-aid financial API',
        version: '1.0.0',
        serverUrl: `${config.baseUrl}/api`,
      });
    }
    return { body: cached };
  },
});
