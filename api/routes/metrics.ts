import type { FastifyInstance } from 'fastify';
import { createDeploymentMetrics } from '../../engine/metrics/deploymentMetrics';
import { metricsSource } from '../../engine/metrics/exposition';
import { processRegistry } from '../../engine/metrics/processRegistry';
import type { ApiDependencies } from '../dependencies';

export function registerMetricsRoutes(app: FastifyInstance, deps: ApiDependencies): void {
  const source =
    deps.metrics ?? metricsSource([processRegistry, createDeploymentMetrics({ pool: deps.pool })]);
  app.get(
    '/metrics',
    // A viewer key, like every read: the figures name bulk tasks and show the shop's traffic and
    // rejections. Prometheus sends it with `authorization: { credentials_file: … }`.
    { config: { access: 'viewer' } },
    async (_request, response) => response.type(source.contentType).send(await source.render()),
  );
}
