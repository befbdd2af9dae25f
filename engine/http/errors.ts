import { isGrpcDeadlineError, isGrpcServiceError, WorkflowNotFoundError } from '@temporalio/client';
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchemaValidationError,
} from 'fastify';
import { isDomainError, type DomainErrorKind } from '../aggregate/errors';
import { ConcurrencyConflictError } from '../eventstore/append';
import { IdempotencyKeyReusedError } from '../commands/commandEnvelope';
import { DatabaseUnreachableError, isUnreachable } from '../eventstore/database';
import { Answered } from './answered';
import { describePattern } from './schemas';

/** The body of every error reply. */
export interface ErrorBody {
  error: string;
  message: string;
  details?: Record<string, unknown>;
}

/** An error a route raises on purpose, with the status and code the client sees. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const domainStatus: Record<DomainErrorKind, number> = { business: 409, notFound: 404, transient: 503 };

// gRPC status codes meaning "Temporal did not answer", as opposed to "Temporal said no".
const grpcUnavailable = 14;
const grpcDeadlineExceeded = 4;

export function isTemporalUnavailable(error: unknown): boolean {
  if (isGrpcDeadlineError(error)) return true;
  for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
    if (isGrpcServiceError(current) && [grpcUnavailable, grpcDeadlineExceeded].includes(current.code)) {
      return true;
    }
  }
  return false;
}

/** fastify's error codes, as a client should read them. */
const frameworkErrors: Record<string, { error: string; message?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    error: 'PayloadTooLarge',
    message: 'The request body is larger than the server accepts',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    error: 'UnsupportedMediaType',
    message: 'Send the body as application/json (Content-Type: application/json)',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { error: 'InvalidContentLength' },
  FST_ERR_MAX_PARAM_LENGTH: {
    error: 'PathParameterTooLong',
    message: 'A path parameter is longer than 256 characters',
  },
  RateLimited: { error: 'RateLimited' },
};

/** Maps anything a route throws to a status and an ErrorBody; unknown errors become an opaque 500. */
export function toErrorReply(error: unknown): { statusCode: number; body: ErrorBody } {
  if (error instanceof ApiError) {
    return reply(error.statusCode, error.code, error.message, error.details);
  }
  const validation = (error as FastifyError).validation;
  if (validation) {
    const context = (error as FastifyError).validationContext ?? 'request';
    return reply(400, 'ValidationFailed', (error as Error).message, {
      issues: validation.map((issue) => ({
        path: `${context}${issue.instancePath}`,
        keyword: issue.keyword,
        message: issueMessage(issue),
      })),
    });
  }
  if (isDomainError(error)) {
    return reply(domainStatus[error.kind], error.code, error.message, error.details);
  }
  if (error instanceof IdempotencyKeyReusedError) {
    return reply(
      409,
      'IdempotencyKeyReused',
      'This Idempotency-Key was already used for a different request; use a new key for a new request',
    );
  }
  if (error instanceof ConcurrencyConflictError) {
    return reply(409, 'ConcurrencyConflict', `${error.message}; retry the request`, {
      streamId: error.streamId,
    });
  }
  if (error instanceof DatabaseUnreachableError || isUnreachable(error)) {
    return reply(503, 'DatabaseUnavailable', 'PostgreSQL is not reachable; retry later');
  }
  if (error instanceof WorkflowNotFoundError) {
    return reply(404, 'WorkflowNotFound', error.message);
  }
  if (isTemporalUnavailable(error)) {
    return reply(
      503,
      'TemporalUnavailable',
      'Temporal is not reachable or did not answer in time; retry later',
    );
  }
  // PostgreSQL data exceptions (class 22) are inputs the schemas let through, such as a NUL in a text.
  const sqlState = (error as { code?: unknown }).code;
  if (typeof sqlState === 'string' && /^22[0-9A-Z]{3}$/.test(sqlState)) {
    return reply(400, 'InvalidInput', (error as Error).message);
  }
  // fastify's own 4xx (unsupported media type, body too large, rate limit) keep their status.
  const statusCode = (error as FastifyError).statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const code = (error as FastifyError).code;
    const known = code === undefined ? undefined : frameworkErrors[code];
    return reply(
      statusCode,
      known?.error ?? code ?? 'BadRequest',
      known?.message ?? (error as Error).message,
    );
  }
  return reply(500, 'InternalError', 'The request failed unexpectedly; see the server log');
}

function reply(statusCode: number, error: string, message: string, details?: Record<string, unknown>) {
  return { statusCode, body: details === undefined ? { error, message } : { error, message, details } };
}

function issueMessage(issue: FastifySchemaValidationError): string {
  const params = issue.params as Record<string, unknown>;
  switch (issue.keyword) {
    case 'pattern':
      return describePattern(String(params.pattern)) ?? issue.message ?? 'is invalid';
    case 'additionalProperties':
      return `${issue.message} ('${String(params.additionalProperty)}')`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message ?? 'is invalid';
  }
}

/** Replaces fastify's formatter so a 400 names the field and says what is wrong in words. */
export function schemaErrorFormatter(errors: FastifySchemaValidationError[], dataVar: string): Error {
  return new Error(
    errors.map((issue) => `${dataVar}${issue.instancePath} ${issueMessage(issue)}`).join(', '),
  );
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, response: FastifyReply) => {
    if (error instanceof Answered) return response.code(error.statusCode).send(error.body);
    const { statusCode, body } = toErrorReply(error);
    if (statusCode >= 500) request.log.error({ err: error }, body.message);
    return response.code(statusCode).send(body);
  });
  app.setNotFoundHandler((request, response) =>
    response.code(404).send({
      error: 'RouteNotFound',
      message: `No route ${request.method} ${request.url.split('?')[0]}`,
    } satisfies ErrorBody),
  );
}
