import type { ClientInterceptors } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/worker';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry/lib/workflow';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import { activeTracing } from './tracing';

/**
 * Bundled into every workflow bundle (the worker's own, a prebuilt WORKFLOW_BUNDLE, the tests'): it
 * traces a workflow only when its start carried a trace context, so it costs nothing while tracing is off.
 */
export const tracingWorkflowInterceptorModules: readonly string[] = [
  require.resolve('./workflowInterceptors'),
];

/** For the client that starts sagas: the start (and signalWithStart) carries the current span to the workflow. */
export function tracingClientInterceptors(): ClientInterceptors | undefined {
  if (!activeTracing()) return undefined;
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}

export interface WorkerTracing {
  /** A span per activity, local ones included, parented on the workflow's StartActivity span. */
  activity: ActivityInterceptorsFactory[];
  /**
   * Where workflow spans leave the sandbox. Registered even with tracing off (spans dropped): a workflow
   * traced by another process may run here, and an unregistered sink is logged as an error on every call.
   */
  sinks: InjectedSinks<OpenTelemetrySinks>;
}

export function workerTracing(): WorkerTracing {
  const tracing = activeTracing();
  if (!tracing) return { activity: [], sinks: { exporter: { export: { fn: () => undefined } } } };
  return {
    activity: [
      (ctx) => ({
        inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
        outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
      }),
    ],
    sinks: { exporter: makeWorkflowExporter(tracing.processor, tracing.resource) },
  };
}
