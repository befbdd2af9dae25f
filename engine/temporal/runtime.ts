import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';

export interface TemporalRuntimeOptions {
  /**
   * `host:port` where the SDK's own Prometheus exporter serves the worker's figures (task slots, poll and
   * schedule-to-start latencies, sticky cache) at /metrics; unset, it exports nothing.
   */
  metricsBindAddress?: string;
}

/**
 * Installs the Temporal runtime for a long-running process: one line per log entry (an activity retry
 * is expected in a saga engine and should not print a stack trace), and no signal handlers of its own —
 * the process shuts down in its own order (API, relay, then worker) on Ctrl-C.
 */
export function installTemporalRuntime(
  print: (line: string) => void,
  options: TemporalRuntimeOptions = {},
): void {
  Runtime.install({
    shutdownSignals: [],
    logger: new DefaultLogger('WARN', (entry: LogEntry) => {
      const meta = entry.meta ?? {};
      const error = meta.error as { type?: string; message?: string } | undefined;
      const where = [meta.workflowType, meta.activityType].filter(Boolean).join(' › ');
      print(
        `temporal ${entry.level.toLowerCase()}: ${entry.message}${where ? ` (${where})` : ''}` +
          (error ? ` — ${error.type ?? 'Error'}: ${error.message ?? ''}` : ''),
      );
    }),
    ...(options.metricsBindAddress && {
      telemetryOptions: {
        metrics: {
          prometheus: {
            bindAddress: options.metricsBindAddress,
            // Prometheus conventions: counters end in _total, durations are in seconds and say so.
            countersTotalSuffix: true,
            useSecondsForDurations: true,
            unitSuffix: true,
          },
        },
      },
    }),
  });
}
