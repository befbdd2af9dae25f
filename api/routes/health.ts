import type { FastifyInstance } from 'fastify';
import type { ApiDependencies } from '../dependencies';
import { withTemporalDeadline } from '../temporal';

const checkTimeoutMs = 2_000;

type Check = { up: true } | { up: false; reason: string };

async function check(probe: () => Promise<unknown>): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  // A server that accepts connections but never answers must still give a prompt "down".
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${checkTimeoutMs} ms`)), checkTimeoutMs);
  });
  try {
    await Promise.race([probe(), timeout]);
    return { up: true };
  } catch (error) {
    const reason = error instanceof AggregateError ? error.errors.map(String).join('; ') : String(error);
    return { up: false, reason: reason || 'unknown error' };
  } finally {
    clearTimeout(timer);
  }
}

const state = { type: 'string', enum: ['up', 'down'] } as const;

export function registerHealthRoutes(app: FastifyInstance, deps: ApiDependencies): void {
  app.get(
    '/health',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            properties: { postgres: state, temporal: state },
            required: ['postgres', 'temporal'],
          },
          503: {
            type: 'object',
            properties: {
              error: { type: 'string' },
              message: { type: 'string' },
              postgres: state,
              temporal: state,
              details: {},
            },
            required: ['error', 'message', 'postgres', 'temporal'],
          },
        },
      },
    },
    async (_request, response) => {
      const [postgres, temporal] = await Promise.all([
        check(() => deps.pool.query('select 1')),
        check(() =>
          withTemporalDeadline({ ...deps, temporalTimeoutMs: checkTimeoutMs }, () =>
            deps.temporal.client.connection.workflowService.getSystemInfo({}),
          ),
        ),
      ]);
      const states = { postgres: postgres.up ? 'up' : 'down', temporal: temporal.up ? 'up' : 'down' };
      if (postgres.up && temporal.up) return states;
      const reasons: Record<string, string> = {};
      if (!postgres.up) reasons.postgres = postgres.reason;
      if (!temporal.up) reasons.temporal = temporal.reason;
      return response.code(503).send({
        error: 'DependencyDown',
        message: `${Object.keys(reasons).join(' and ')} ${Object.keys(reasons).length > 1 ? 'are' : 'is'} down`,
        ...states,
        details: reasons,
      });
    },
  );
}
