import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { StoredEvent } from '../eventstore/types';
import { contextOfTraceparent } from '../telemetry/traceparent';
import { processionTracer, tracingOn } from '../telemetry/tracing';
import type { DeliveryOutcome } from './relay';

/**
 * Runs one delivery in a span parented on the span the event was appended in, so the saga start (and the
 * workflow, its activities and the commands they append) joins the trace of the request that caused the
 * event. With tracing off it only runs the delivery.
 */
export function inDeliverySpan(
  event: StoredEvent,
  triggerName: string,
  deliver: () => Promise<DeliveryOutcome>,
): Promise<DeliveryOutcome> {
  if (!tracingOn()) return deliver();
  return processionTracer().startActiveSpan(
    `Relay:${triggerName}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'procession.event.id': event.eventId,
        'procession.event.type': event.type,
        'procession.stream.id': event.streamId,
        'procession.event.position': event.globalPosition,
      },
    },
    contextOfTraceparent(event.metadata?.traceparent),
    async (span) => {
      try {
        const outcome = await deliver();
        span.setAttribute('procession.delivery.outcome', outcome);
        return outcome;
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
