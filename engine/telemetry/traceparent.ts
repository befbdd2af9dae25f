import {
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  trace,
  type Context,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { tracingOn } from './tracing';

// W3C by name, whatever global propagator is registered: the format is what event metadata promises.
const w3c = new W3CTraceContextPropagator();

/**
 * The W3C `traceparent` of the span current here (the HTTP request's, the activity's), for an event's
 * metadata; undefined when tracing is off or no span is current.
 */
export function activeTraceparent(): string | undefined {
  if (!tracingOn()) return undefined;
  const current = context.active();
  if (!trace.getSpanContext(current)) return undefined;
  const carrier: Record<string, string> = {};
  w3c.inject(current, carrier, defaultTextMapSetter);
  return carrier.traceparent;
}

/** The context a `traceparent` names, to parent a span on; the root context for none or a malformed one. */
export function contextOfTraceparent(traceparent: string | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return w3c.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter);
}
