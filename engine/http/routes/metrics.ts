import type { FastifyInstance } from 'fastify';
import { createDeploymentMetrics } from '../../metrics/deploymentMetrics';
import { metricsSource } from '../../metrics/exposition';
import { processRegistry } from '../../metrics/processRegistry';
import { Type } from 'typebox';
import type { ApiDependencies } from '../dependencies';
import { errorResponses } from '../schemas';

export function registerMetricsRoutes(app: FastifyInstance, deps: ApiDependencies): void {
  const source =
    deps.metrics ?? metricsSource([processRegistry, createDeploymentMetrics({ pool: deps.pool })]);
  app.get(
    '/metrics',
    // A viewer key, like every read: the figures name bulk tasks and show the shop's traffic and
    // rejections. Prometheus sends it with `authorization: { credentials_file: … }`.
    {
      config: { access: 'viewer' },
      schema: {
        description: 'Prometheus text exposition: what this process did and where the deployment stands',
        response: {
          200: {
            description: 'The Prometheus text format, version 0.0.4',
            content: { 'text/plain': { schema: Type.String() } },
          },
          ...errorResponses,
        },
      },
    },
    async (_request, response) => response.type(source.contentType).send(await source.render()),
  );
}
