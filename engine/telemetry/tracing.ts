import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export interface TracingOptions {
  /** `service.name`; `procession` unless OTEL_SERVICE_NAME says otherwise. */
  serviceName?: string;
  /** The roles this process runs, recorded as the resource attribute `procession.roles`. */
  roles?: readonly string[];
  /**
   * Where spans go. Default: OTLP over HTTP to OTEL_EXPORTER_OTLP_ENDPOINT (or
   * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), batched. Tests pass an InMemorySpanExporter, exported span by span.
   */
  exporter?: SpanExporter;
}

export interface ActiveTracing {
  readonly resource: Resource;
  /** Also fed the spans workflows record in their sandbox (see ./temporalTracing.ts). */
  readonly processor: SpanProcessor;
  /** Exports what is buffered and unregisters the SDK. */
  stop(): Promise<void>;
}

let active: ActiveTracing | undefined;

/** The one check every traced path makes first: with no SDK started, nothing else is done. */
export function tracingOn(): boolean {
  return active !== undefined;
}

export function activeTracing(): ActiveTracing | undefined {
  return active;
}

export function processionTracer(): Tracer {
  return trace.getTracer('procession');
}

/** Traces are on only when a collector is named: the standard OTLP variables, nothing of our own. */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** Where the OTLP exporter sends spans, as it reads the variables (for the start-up line). */
export function tracesEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces`;
}

/** Starts the SDK when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise does nothing and returns undefined. */
export function startTracingFromEnv(
  options: Omit<TracingOptions, 'exporter'> = {},
): ActiveTracing | undefined {
  return tracingConfigured() ? startTracing(options) : undefined;
}

/**
 * Registers the OpenTelemetry SDK for this process: the AsyncLocalStorage context manager (so a span
 * stays current across awaits) and the W3C trace-context propagator. Once per process.
 */
export function startTracing(options: TracingOptions = {}): ActiveTracing {
  if (active) throw new Error('tracing is already started in this process');
  const resource = Resource.default().merge(
    new Resource({
      'service.name': options.serviceName ?? process.env.OTEL_SERVICE_NAME ?? 'procession',
      ...(options.roles ? { 'procession.roles': options.roles.join(',') } : {}),
    }),
  );
  const processor = options.exporter
    ? new SimpleSpanProcessor(options.exporter)
    : new BatchSpanProcessor(new OTLPTraceExporter());
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  const started: ActiveTracing = {
    resource,
    processor,
    stop: async () => {
      if (active !== started) return;
      active = undefined;
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
  active = started;
  return started;
}
