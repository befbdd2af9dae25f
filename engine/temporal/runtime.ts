import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';

/**
 * Installs the Temporal runtime for a long-running process: one line per log entry (an activity retry
 * is expected in a saga engine and should not print a stack trace), and no signal handlers of its own —
 * the process shuts down in its own order (API, relay, then worker) on Ctrl-C.
 */
export function installTemporalRuntime(print: (line: string) => void): void {
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
  });
}
