import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route reads no body but does not refuse one either. */
    anyBody?: boolean;
  }
}

const maxDepth = 32;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The first thing in a parsed body PostgreSQL or JavaScript would mishandle, with where it is. */
function problemIn(
  value: unknown,
  path: string,
  depth: number,
): { path: string; message: string } | undefined {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return { path, message: 'must not contain a NUL character (\\u0000)' };
    if (loneSurrogate.test(value))
      return { path, message: 'must be valid Unicode text (it contains a lone surrogate)' };
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= maxDepth) return { path, message: `nests deeper than ${maxDepth} levels` };
  const entries = Array.isArray(value)
    ? value.map((item, index) => [String(index), item] as const)
    : Object.entries(value);
  for (const [key, item] of entries) {
    const here = `${path}/${key}`;
    if (!Array.isArray(value)) {
      // JSON.parse makes these own properties; copied with Object.assign they would set a prototype.
      if (key === '__proto__' || (key === 'prototype' && path.endsWith('/constructor')))
        return { path: here, message: 'is not allowed: a key that would set an object prototype' };
      const keyProblem = problemIn(key, `${path} key '${key.replace(/[^\x20-\x7e]/g, '?')}'`, depth);
      if (keyProblem) return keyProblem;
    }
    const inner = problemIn(item, here, depth + 1);
    if (inner) return inner;
  }
  return undefined;
}

/**
 * JSON bodies, parsed so that a bad one is a 400 that names what is wrong and where: invalid JSON, text
 * PostgreSQL cannot store (NUL, lone surrogates — it would otherwise answer with its own error), nesting
 * past 32 levels, and prototype keys (`__proto__`, `constructor.prototype`), which fastify's own parser
 * refuses as "not valid JSON" although they are.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  // JSON only: a form or plain-text body is a 415, not a string the schemas then misread.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === '')
      return done(new ApiError(400, 'InvalidJson', 'The body is empty; send a JSON value'));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return done(
        new ApiError(400, 'InvalidJson', `The body is not valid JSON: ${(error as Error).message}`),
      );
    }
    const problem = problemIn(parsed, 'body', 0);
    if (problem)
      return done(
        new ApiError(400, 'ValidationFailed', `${problem.path} ${problem.message}`, {
          issues: [{ path: problem.path, keyword: 'input', message: problem.message }],
        }),
      );
    done(null, parsed);
  });
}

/** A route that takes no body refuses one, instead of silently ignoring what the client meant to send. */
export function refuseUnexpectedBodies(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const { schema, config } = request.routeOptions;
    if (request.is404) return;
    if (request.body !== undefined && !schema?.body && !config.anyBody)
      throw new ApiError(
        400,
        'UnexpectedBody',
        `${request.method} ${request.routeOptions.url} takes no request body`,
      );
  });
}
