import type { TypedApp } from '../typedApp';
import { visibilityHorizon, type HeldBy } from '../../eventstore/horizon';
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
const stateOf = (check: Check): 'up' | 'down' => (check.up ? 'up' : 'down');

/** The append holding the readers back, once it has been open longer than the stall threshold. */
async function horizonStall(deps: ApiDependencies): Promise<{ stalled: true; heldBy: HeldBy } | undefined> {
  const { heldBy } = await visibilityHorizon(deps.pool);
  const threshold = deps.stallWarningMs ?? 5_000;
  if (!heldBy || heldBy.ageMs === null || heldBy.ageMs < threshold) return undefined;
  return { stalled: true, heldBy };
}

export function registerHealthRoutes(app: TypedApp, deps: ApiDependencies): void {
  app.get(
    '/health',
    {
      // Open: load balancers and orchestrators probe it without a key. It says up/down and nothing else.
      config: { access: 'public', rateLimit: false },
      schema: {
        response: {
          200: {
            type: 'object',
            properties: { postgres: state, temporal: state, details: {} },
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
      const states = { postgres: stateOf(postgres), temporal: stateOf(temporal) };
      if (postgres.up && temporal.up) {
        // Up, but an event append held open keeps every reader (relay, projections) waiting for it.
        const stalled = await horizonStall(deps).catch(() => undefined);
        return stalled ? { ...states, details: { visibilityHorizon: stalled } } : states;
      }
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
