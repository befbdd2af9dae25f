import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Message } from '../aggregate/decider';
import type { CommandActivities } from './commandActivity';

// Business rejections come back non-retryable (see ./commandActivity.ts); everything else —
// a database restart, a concurrency conflict that outlasted the handler's own retries, a flaky card
// provider — retries with backoff until the saga's own deadlines decide otherwise.
type CommandResult = Awaited<ReturnType<CommandActivities['executeCommand']>>;

const { executeCommand } = proxyActivities<CommandActivities>({
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
export function dispatch<Command extends Message = Message>(
  step: string,
  command: Command,
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

/** `dispatch` narrowed to an application's command union, so a saga's wrong command fails to compile. */
export type Dispatch<Command extends Message> = (
  step: string,
  command: Command,
  correlationId: string,
  options?: DispatchOptions,
) => Promise<CommandResult>;
