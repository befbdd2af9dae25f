import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { ApiDependencies } from './dependencies';
import { schemaErrorFormatter, toErrorReply } from './errors';

export const defaultBodyLimitBytes = 1024 * 1024;

/**
 * What fastify must be told when the server is built, before any plugin: the routes of `processionHttp`
 * and the application's rely on it (exact validation, request ids as causation ids, JSON errors).
 */
export function httpServerOptions(
  deps: Pick<ApiDependencies, 'logger' | 'bodyLimitBytes'>,
): FastifyServerOptions {
  return {
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
  };
}
