import type { FastifyInstance, RouteOptions } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { commandHeaders } from './commandContext';
import { ApiError } from './errors';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The body a `?dryRun=true` call answers (200); set on every command route, absent elsewhere. */
    dryRun?: TSchema;
  }
}

const dryRunParameter = Type.Enum(['true', 'false'], {
  description:
    'true: answer what the call would do, with the same validation and refusals, and write nothing',
});

/** A command route's dry run: the events the command would append and the aggregate's state after them. */
export const commandPreview = Type.Object(
  {
    dryRun: Type.Literal(true),
    streamId: Type.String(),
    version: Type.Integer({ description: 'The stream version after the events' }),
    duplicate: Type.Boolean({
      description: 'The Idempotency-Key was already used for this request: the call would only replay',
    }),
    events: Type.Array(
      Type.Object({
        streamVersion: Type.Integer(),
        type: Type.String(),
        data: Type.Unknown(),
      }),
    ),
    state: Type.Unknown({ description: 'The aggregate state after the events' }),
  },
  { description: 'Dry run (?dryRun=true): nothing was written' },
);

/** A command route takes the command headers; the bulk-task routes are command routes too. */
const isCommandRoute = (route: RouteOptions) =>
  (route.schema as { headers?: unknown } | undefined)?.headers === commandHeaders;

/**
 * Every command route takes `?dryRun=true|false`, declared in its schema (so it is validated, and
 * documented) and answered 200 with the preview. Any other route refuses `dryRun`: a caller who asks to
 * preview a pause or a rebuild must not have it carried out. Register before the routes.
 */
export function installDryRun(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!isCommandRoute(route)) return;
    const preview = route.config?.dryRun ?? commandPreview;
    const schema = route.schema!;
    const query = schema.querystring as
      { properties?: Record<string, unknown>; required?: string[] } | undefined;
    const responses = (schema.response ?? {}) as Record<string, unknown>;
    route.config = { ...route.config, dryRun: preview };
    route.schema = {
      ...schema,
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { ...query?.properties, dryRun: dryRunParameter },
        required: query?.required ?? [],
      },
      response: {
        ...responses,
        // A route whose own answer is a 200 answers either; the preview is told apart by `dryRun`.
        200: responses[200] === undefined ? preview : { anyOf: [preview, responses[200]] },
      },
    };
  });
  app.addHook('preValidation', async (request) => {
    if (request.is404 || request.routeOptions.config.dryRun) return;
    if ((request.query as Record<string, unknown> | undefined)?.dryRun !== undefined)
      throw new ApiError(
        400,
        'DryRunNotSupported',
        `${request.method} ${request.routeOptions.url} has no dry run; only command routes take ?dryRun`,
      );
  });
}
