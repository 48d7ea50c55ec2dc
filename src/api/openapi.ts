// The OpenAPI 3.1 document of every route, generated from the routes' own schemas (@fastify/swagger), served at
// GET /openapi.json, and its reader at /docs (@fastify/swagger-ui, whose assets are served from this process:
// the page fetches nothing from anywhere else).
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export const OPENAPI_PATH = '/openapi.json';
export const DOCS_PREFIX = '/docs';

/** Registers the document's collector; must come before the routes it describes. */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'buzzwatch API',
        version,
        description: 'Brand mentions, statistics, reports and alerts. Every /v1 route needs Authorization: Bearer <key>.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    // The default would ask validator.swagger.io to check the document: a request to another host.
    uiConfig: { validatorUrl: null },
    // The UI reads the document from this process.
    transformSpecificationClone: true,
  });
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
}
