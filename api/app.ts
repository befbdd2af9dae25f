import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { httpServerOptions, processionHttp, type ApiDependencies } from '../engine/http';
import { registerCustomerRoutes } from './routes/customers';
import { registerGroupRoutes } from './routes/groups';
import { registerInventoryRoutes } from './routes/inventory';
import { registerOrderRoutes } from './routes/orders';
import { registerShipmentRoutes } from './routes/shipments';

/** The shop's HTTP API, ready for `listen` or `inject`: the engine's routes and the shop's own. */
export function buildApp(deps: ApiDependencies): FastifyInstance {
  const app = Fastify(httpServerOptions(deps));
  void app.register(processionHttp, deps);
  // After the engine's plugin, so its hooks (keys, rate limit, dry run, OpenAPI) see these routes.
  void app.register(async (plugin) => {
    const routes = plugin.withTypeProvider<TypeBoxTypeProvider>();
    registerCustomerRoutes(routes, deps);
    registerInventoryRoutes(routes, deps);
    registerOrderRoutes(routes, deps);
    registerShipmentRoutes(routes, deps);
    registerGroupRoutes(routes, deps);
  });
  return app;
}
