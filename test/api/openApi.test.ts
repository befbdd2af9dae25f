import SwaggerParser from '@apidevtools/swagger-parser';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { send, startApiTest, type ApiTest } from './apiHarness';

// The document is generated from the route schemas: it must be a valid OpenAPI document and leave no
// route out, whatever routes are added later.
let api: ApiTest;
let app: FastifyInstance;
const registered: RouteOptions[] = [];

beforeAll(async () => {
  api = await startApiTest('api-openapi');
  app = api.appWith({});
  // Before the app is ready, so the hook sees every route the plugins add.
  app.addHook('onRoute', (route) => void registered.push(route));
});

afterAll(async () => {
  await api?.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is read as plain JSON
async function openApiDocument(): Promise<any> {
  const response = await send(app, { method: 'GET', url: '/openapi.json', headers: { authorization: '' } });
  expect(response.statusCode).toBe(200);
  return response.json();
}

test('GET /openapi.json is a valid OpenAPI 3.1 document, served without a key', async () => {
  const document = await openApiDocument();
  expect(document.openapi).toBe('3.1.0');
  await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeDefined();
});

test('every registered route is in the document, with its error shape and key requirement', async () => {
  const document = await openApiDocument();
  const documented = registered.filter(
    (route) => route.method !== 'HEAD' && !(route.schema as { hide?: boolean } | undefined)?.hide,
  );
  // The UI's own routes are hidden by the plugin; everything else must be here.
  expect(documented.map((route) => route.url)).toEqual(
    expect.arrayContaining(['/customers', '/bulk/disable-all-customers', '/bulk/:bulkId']),
  );
  const missing: string[] = [];
  for (const route of documented) {
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    for (const method of [route.method].flat()) {
      const operation = document.paths[path]?.[method.toLowerCase()];
      if (!operation) {
        missing.push(`${method} ${route.url}`);
        continue;
      }
      const isPublic = route.url === '/health';
      expect({ route: `${method} ${route.url}`, security: operation.security }).toEqual({
        route: `${method} ${route.url}`,
        security: isPublic ? [] : [{ apiKey: [] }],
      });
      if (!isPublic)
        expect(operation.responses['4XX']?.content['application/json'].schema.required).toEqual([
          'error',
          'message',
        ]);
      // Every route says what it answers on success, but the one that only ever answers 404.
      const successes = Object.keys(operation.responses).filter((code) => code.startsWith('2'));
      if (route.url !== '/bulk/:task')
        expect({ route: route.url, successes }).not.toEqual({ route: route.url, successes: [] });
    }
  }
  expect(missing).toEqual([]);
  expect(document.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
});

test("a bulk task's parameters are documented as its request body", async () => {
  const document = await openApiDocument();
  const body = document.paths['/bulk/enable-customers'].post.requestBody.content['application/json'];
  expect(body.schema).toMatchObject({
    type: 'object',
    required: ['reason', 'disabledReason'],
    additionalProperties: false,
  });
});

test('every command route documents ?dryRun and its preview answer', async () => {
  const document = await openApiDocument();
  // Command routes are the ones that take the command headers (Idempotency-Key, X-Correlation-Id).
  const commandRoutes = registered.filter(
    (route) => (route.schema as { headers?: unknown } | undefined)?.headers !== undefined,
  );
  expect(commandRoutes.map((route) => route.url)).toEqual(
    expect.arrayContaining(['/customers', '/orders', '/inventory/:sku/receive', '/bulk/enable-customers']),
  );
  for (const route of commandRoutes) {
    const operation = document.paths[route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')].post;
    expect(operation.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          in: 'query',
          name: 'dryRun',
          schema: { enum: ['true', 'false'] },
        }),
      ]),
    );
    expect(JSON.stringify(operation.responses['200'])).toContain('Dry run (?dryRun=true)');
  }
});

test('Swagger UI is served at /docs without a key', async () => {
  const response = await send(app, { method: 'GET', url: '/docs', headers: { authorization: '' } });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/html/);
  expect(response.body).toContain('swagger-ui');
});
