import type { FastifyInstance } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { installAuthentication } from './auth';
import type { ApiDependencies } from './dependencies';
import { installDryRun } from './dryRun';
import { installErrorHandling } from './errors';
import { installPages } from './pages';
import { installJsonBodyParser, refuseUnexpectedBodies } from './jsonBody';
import { installOpenApi } from './openApi';
import { installRequestSpans } from './requestSpans';
import { registerBulkRoutes } from './routes/bulk';
import { registerBulkRevertRoute } from './routes/bulkRevert';
import { registerBulkThrottleRoute } from './routes/bulkThrottle';
import { registerBulkRunsRoute } from './routes/bulkRuns';
import { registerHealthRoutes } from './routes/health';
import { registerMetricsRoutes } from './routes/metrics';
import { registerParkedEventRoutes } from './routes/parkedEvents';
import { registerReadModelRoutes } from './routes/readModels';
import { registerDeploymentRoutes } from './routes/deployments';
import { registerSagaRoutes } from './routes/sagas';
import { registerStreamRoutes } from './routes/streams';
import { registerStreamRevertRoute } from './routes/streamRevert';
import { registerTraceRoutes } from './routes/trace';

function installRateLimit(app: FastifyInstance, perMinute: number): void {
  void app.register(rateLimit, {
    max: perMinute,
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

async function processionHttpPlugin(app: FastifyInstance, deps: ApiDependencies): Promise<void> {
  installRequestSpans(app);
  installErrorHandling(app);
  installJsonBodyParser(app);
  installAuthentication(app, deps.apiKeys);
  refuseUnexpectedBodies(app);
  if (deps.rateLimitPerMinute) installRateLimit(app, deps.rateLimitPerMinute);
  installDryRun(app);
  installOpenApi(app);
  installPages(app);
  // A plugin of its own, so the rate limit (registered above) sees every route as it is added.
  void app.register(async (plugin) => {
    const routes = plugin.withTypeProvider<TypeBoxTypeProvider>();
    registerHealthRoutes(routes, deps);
    registerBulkRoutes(routes, deps);
    registerBulkRevertRoute(routes, deps);
    registerBulkThrottleRoute(routes, deps);
    registerBulkRunsRoute(routes, deps);
    registerSagaRoutes(routes, deps);
    registerStreamRoutes(routes, deps);
    registerStreamRevertRoute(routes, deps);
    registerTraceRoutes(routes, deps);
    registerParkedEventRoutes(routes, deps);
    registerReadModelRoutes(routes, deps);
    registerDeploymentRoutes(routes, deps);
    registerMetricsRoutes(routes, deps);
  });
}

/**
 * Every route a Procession application serves whatever its domain (health, bulk tasks, sagas, streams,
 * traces, parked events, read models, metrics, OpenAPI, the explorer) and what every route gets: API keys,
 * rate limits, JSON errors, dry runs, request spans. Not encapsulated: its hooks reach the application's
 * own routes, registered after it on the same server (built with `httpServerOptions`).
 */
export const processionHttp = fastifyPlugin(processionHttpPlugin, {
  name: 'procession-http',
  fastify: '5.x',
});
