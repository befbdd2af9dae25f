import type { Client } from '@temporalio/client';
import { AggregateId, CorrelationId, SagaType } from '../saga/searchAttributes';
import type { SagaDelivery } from './trigger';

/**
 * What the relay asks of Temporal for one delivery: start the saga (a running one is reused, a finished
 * one is never re-run unless its trigger says `startAgain`), or signal it, starting it if need be.
 */
export async function startOrSignal(
  client: Client,
  taskQueue: string,
  delivery: SagaDelivery,
): Promise<void> {
  const common = {
    taskQueue,
    workflowId: delivery.workflowId,
    args: delivery.args,
    workflowIdReusePolicy:
      delivery.whenFinished === 'startAgain' ? ('ALLOW_DUPLICATE' as const) : ('REJECT_DUPLICATE' as const),
    typedSearchAttributes: [
      { key: SagaType, value: delivery.searchAttributes.sagaType },
      { key: AggregateId, value: delivery.searchAttributes.aggregateId },
      { key: CorrelationId, value: delivery.searchAttributes.correlationId },
    ],
    staticSummary: delivery.summary,
    staticDetails: delivery.details,
  };
  if (delivery.signal) {
    await client.workflow.signalWithStart(delivery.workflowType, {
      ...common,
      signal: delivery.signal.name,
      signalArgs: delivery.signal.args,
    });
  } else {
    await client.workflow.start(delivery.workflowType, {
      ...common,
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  }
}

const unavailableGrpcCodes = new Set([4, 14]); // DEADLINE_EXCEEDED, UNAVAILABLE

/** Temporal unreachable: not the event's fault, so the batch is retried rather than the event parked. */
export function isUnavailable(error: unknown): boolean {
  for (
    let current = error as { code?: unknown; cause?: unknown } | undefined;
    current;
    current = current.cause as typeof current
  ) {
    if (typeof current.code === 'number' && unavailableGrpcCodes.has(current.code)) return true;
    if ((current as Error).name === 'ConnectionError' || (current as Error).name === 'TransportError')
      return true;
  }
  return false;
}

/** The whole cause chain: the SDK's "Failed to start Workflow" says nothing without the server's reason. */
export function describeFailure(error: unknown): string {
  const parts: string[] = [];
  for (let current = error; current && parts.length < 5; current = (current as { cause?: unknown }).cause) {
    parts.push(current instanceof Error ? `${current.name}: ${current.message}` : String(current));
  }
  return parts.join(' ← ');
}
