import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { processionTracer, tracingOn } from '../telemetry/tracing';

/**
 * A SERVER span per request, from onRequest to onResponse, named by method and route (`POST /orders`)
 * and parented on the caller's `traceparent` when it sent one. Route handlers run inside it, so the
 * command a route sends records the span in its events' metadata. Installs nothing while tracing is
 * off. Register before the routes.
 */
export function installRequestSpans(app: FastifyInstance): void {
  if (!tracingOn()) return;
  const spans = new WeakMap<FastifyRequest, Span>();
  app.addHook('onRequest', (request, _response, done) => {
    const route = request.routeOptions.url;
    const span = processionTracer().startSpan(
      route ? `${request.method} ${route}` : request.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'url.path': request.url.split('?', 1)[0],
          ...(route ? { 'http.route': route } : {}),
          'procession.request.id': request.id,
        },
      },
      propagation.extract(ROOT_CONTEXT, request.headers),
    );
    spans.set(request, span);
    done();
  });
  // The body is parsed on the socket's events, outside any context set in onRequest: the handler itself
  // is what must run inside the span.
  app.addHook('onRoute', (route) => {
    const handler = route.handler as (...args: unknown[]) => unknown;
    route.handler = function (this: unknown, request, response) {
      const span = spans.get(request);
      if (!span) return handler.call(this, request, response);
      return context.with(trace.setSpan(context.active(), span), handler, this, request, response);
    } as RouteHandlerMethod;
  });
  app.addHook('onError', (request, _response, error, done) => {
    spans.get(request)?.recordException(error);
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    spans.get(request)?.setAttribute('procession.request.aborted', true).end();
    done();
  });
  app.addHook('onResponse', (request, response, done) => {
    const span = spans.get(request);
    if (span) {
      span.setAttribute('http.response.status_code', response.statusCode);
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
}
