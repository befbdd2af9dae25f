import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { DomainCommand } from '../../domain/registry';
import type { Activities } from '../../activities';

// Business rejections come back non-retryable (see activities/executeCommand.ts); everything else —
// a database restart, a concurrency conflict that outlasted the handler's own retries, a flaky card
// provider — retries with backoff until the saga's own deadlines decide otherwise.
type CommandResult = Awaited<ReturnType<Activities['executeCommand']>>;

const { executeCommand } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

export interface DispatchOptions {
  /** Shown next to the activity in the Temporal UI. */
  summary?: string;
  causationId?: string;
}

/**
 * Sends a command to an aggregate. The command id is `<workflowId>:<step>`: stable across activity
 * retries, worker restarts and continue-as-new, so the command takes effect once whatever happens.
 */
export function dispatch(
  step: string,
  command: DomainCommand,
  correlationId: string,
  options: DispatchOptions = {},
): Promise<CommandResult> {
  const { workflowId } = workflowInfo();
  return executeCommand.executeWithOptions({ summary: options.summary ?? `${command.type} (${step})` }, [
    {
      commandId: `${workflowId}:${step}`,
      command,
      correlationId,
      causationId: options.causationId ?? workflowId,
    },
  ]);
}
