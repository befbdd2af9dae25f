import { randomUUID } from 'node:crypto';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { ApiDependencies } from './dependencies';
import { installErrorHandling, schemaErrorFormatter, toErrorReply } from './errors';
import { registerBulkRoutes } from './routes/bulk';
import { registerCustomerRoutes } from './routes/customers';
import { registerGroupRoutes } from './routes/groups';
import { registerHealthRoutes } from './routes/health';
import { registerInventoryRoutes } from './routes/inventory';
import { registerOrderRoutes } from './routes/orders';
import { registerParkedEventRoutes } from './routes/parkedEvents';
import { registerSagaRoutes } from './routes/sagas';
import { registerShipmentRoutes } from './routes/shipments';
import { registerStreamRoutes } from './routes/streams';

/** The HTTP API, ready for `listen` or `inject`; it opens no connections of its own. */
export function buildApp(deps: ApiDependencies): FastifyInstance {
  const app = Fastify({
    logger: deps.logger ?? false,
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
  installErrorHandling(app);
  registerHealthRoutes(app, deps);
  registerCustomerRoutes(app, deps);
  registerInventoryRoutes(app, deps);
  registerOrderRoutes(app, deps);
  registerShipmentRoutes(app, deps);
  registerGroupRoutes(app, deps);
  registerBulkRoutes(app, deps);
  registerSagaRoutes(app, deps);
  registerStreamRoutes(app, deps);
  registerParkedEventRoutes(app, deps);
  return app;
}
