import { randomUUID } from 'node:crypto';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { installAuthentication } from './auth';
import type { ApiDependencies } from './dependencies';
import { installJsonBodyParser, refuseUnexpectedBodies } from './jsonBody';
import { installDryRun } from './dryRun';
import { installExplorer } from './explorer';
import { installOpenApi } from './openApi';
import { installRequestSpans } from './requestSpans';
import { registerReadModelRoutes } from './routes/readModels';
import { installErrorHandling, schemaErrorFormatter, toErrorReply } from './errors';
import { registerBulkRoutes } from './routes/bulk';
import { registerCustomerRoutes } from './routes/customers';
import { registerGroupRoutes } from './routes/groups';
import { registerHealthRoutes } from './routes/health';
import { registerInventoryRoutes } from './routes/inventory';
import { registerMetricsRoutes } from './routes/metrics';
import { registerOrderRoutes } from './routes/orders';
import { registerParkedEventRoutes } from './routes/parkedEvents';
import { registerSagaRoutes } from './routes/sagas';
import { registerShipmentRoutes } from './routes/shipments';
import { registerStreamRoutes } from './routes/streams';
import { registerTraceRoutes } from './routes/trace';

export const defaultBodyLimitBytes = 1024 * 1024;

/** The HTTP API, ready for `listen` or `inject`; it opens no connections of its own. */
export function buildApp(deps: ApiDependencies): FastifyInstance {
  const app = Fastify({
    // API keys never reach a log line, whatever the logger is told to print.
    logger:
      deps.logger === undefined || typeof deps.logger === 'boolean'
        ? (deps.logger ?? false)
        : { ...deps.logger, redact: ['req.headers.authorization'] },
    bodyLimit: deps.bodyLimitBytes ?? defaultBodyLimitBytes,
    // Request ids become causation ids on events, so they must be unique beyond this process's lifetime.
    genReqId: () => randomUUID(),
    // Above the longest id the schemas accept, so an over-long id gets the schema's 400 and not a bare 414.
    routerOptions: { maxParamLength: 256 },
    ajv: {
      customOptions: {
        // fastify's defaults would turn `true` into 1 and `null` into 0, and silently drop unknown fields;
        // a command must be exactly what the client meant, or a 400.
        coerceTypes: false,
        removeAdditional: false,
      },
    },
    schemaErrorFormatter,
    // Errors raised before routing (an over-long or malformed path) answer in the same JSON shape.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, response: FastifyReply) => {
      const { statusCode, body } = toErrorReply(error);
      return response.code(statusCode).send(body);
    },
  });
  installRequestSpans(app);
  installErrorHandling(app);
  installJsonBodyParser(app);
  installAuthentication(app, deps.apiKeys);
  refuseUnexpectedBodies(app);
  if (deps.rateLimitPerMinute) {
    void app.register(rateLimit, {
      max: deps.rateLimitPerMinute,
      timeWindow: '1 minute',
      // After authentication, so each key has its own allowance.
      hook: 'preHandler',
      keyGenerator: (request) => request.identity?.actor ?? request.ip,
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        code: 'RateLimited',
        message: `More than ${context.max} requests in ${context.after} with this key; retry in ${context.ttl} ms`,
      }),
    });
  }
  installDryRun(app);
  installOpenApi(app);
  installExplorer(app);
  // A plugin of its own, so the rate limit (registered above) sees every route as it is added.
  void app.register(async (plugin) => {
    const routes = plugin.withTypeProvider<TypeBoxTypeProvider>();
    registerHealthRoutes(routes, deps);
    registerCustomerRoutes(routes, deps);
    registerInventoryRoutes(routes, deps);
    registerOrderRoutes(routes, deps);
    registerShipmentRoutes(routes, deps);
    registerGroupRoutes(routes, deps);
    registerBulkRoutes(routes, deps);
    registerSagaRoutes(routes, deps);
    registerStreamRoutes(routes, deps);
    registerTraceRoutes(routes, deps);
    registerParkedEventRoutes(routes, deps);
    registerReadModelRoutes(routes, deps);
    registerMetricsRoutes(routes, deps);
  });
  return app;
}
