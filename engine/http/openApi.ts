import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Access } from './auth';

const docsPrefix = '/docs';
const securityScheme = 'apiKey';

/** Who may call a route, as auth.ts decides it. */
function accessOf(route: RouteOptions): Access {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const configured = (route.config as { access?: Access } | undefined)?.access;
  return configured ?? (methods.every((method) => method === 'GET') ? 'viewer' : 'operator');
}

const successDescriptions: Record<string, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted: what it started goes on after the answer',
};

/** Responses with a description each: the document requires one, and "Default Response" tells nothing. */
function describedResponses(responses: unknown) {
  return Object.fromEntries(
    Object.entries(responses as Record<string, { description?: string }>).map(([code, response]) => [
      code,
      response.description ? response : { ...response, description: successDescriptions[code] ?? code },
    ]),
  );
}

/** The route's schema as the document shows it: with its key requirement, stated and in words. */
function documented({
  schema = {},
  url,
  route,
}: {
  schema?: FastifySchema;
  url: string;
  route: RouteOptions;
}) {
  const access = accessOf(route);
  const needs =
    access === 'public' ? 'No API key needed.' : `Needs an API key with the ${access} role or higher.`;
  const description = [schema.description, needs].filter(Boolean).join('\n\n');
  return {
    url,
    schema: {
      ...schema,
      description,
      ...(schema.response === undefined ? {} : { response: describedResponses(schema.response) }),
      security: access === 'public' ? [] : [{ [securityScheme]: [] }],
    },
  };
}

/**
 * The API described by its own route schemas: `GET /openapi.json` (OpenAPI 3.1, generated when asked) and
 * Swagger UI at `/docs`. Both are public: they describe shapes, never data, and a browser opening the UI
 * cannot send a key with the page and its assets. Register before the routes, so every route is seen.
 */
export function installOpenApi(app: FastifyInstance): void {
  // The UI's own routes (page, assets, a copy of the document) are as public as the document.
  app.addHook('onRoute', (route) => {
    if (route.url === docsPrefix || route.url.startsWith(`${docsPrefix}/`))
      route.config = { ...route.config, access: 'public' };
  });
  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Procession',
        version: '0.1.0',
        description:
          'Commands to event-sourced aggregates, the sagas they start, read models and bulk tasks. ' +
          'Every command route takes `?dryRun=true`: the events it would append and the state after ' +
          'them, with nothing written.',
      },
      components: {
        securitySchemes: {
          [securityScheme]: {
            type: 'http',
            scheme: 'bearer',
            description:
              'An API key from API_KEYS, sent as `Authorization: Bearer <key>`. Roles: viewer (reads), ' +
              "operator (the shop's commands), admin (bulk tasks, parked-event replay, rebuilds).",
          },
        },
      },
      security: [{ [securityScheme]: [] }],
    },
    transform: documented,
  });
  void app.register(swaggerUi, { routePrefix: docsPrefix });
  void app.register(async (routes) => {
    routes.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
      routes.swagger(),
    );
  });
}
