import { patched, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/common';
import type { Message } from '../aggregate/decider';
import type { CommandActivities } from './commandActivity';

// Business rejections come back non-retryable (see ./commandActivity.ts); everything else —
// a database restart, a concurrency conflict that outlasted the handler's own retries, a flaky card
// provider — retries with backoff until the saga's own deadlines decide otherwise.
type CommandResult = Awaited<ReturnType<CommandActivities['executeCommand']>>;

const commandRetry: RetryPolicy = {
  initialInterval: '200 milliseconds',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
};

const { executeCommand } = proxyActivities<CommandActivities>({
  startToCloseTimeout: '30 seconds',
  retry: commandRetry,
});

// A command is a few milliseconds of SQL, idempotent by its command id: as a local activity it runs in the
// workflow task itself, without the two server round trips a regular activity costs (schedule, complete).
// If the worker dies mid-command the workflow task is retried and the command runs again: its id makes
// that a duplicate, not a second effect.
const { executeCommand: executeCommandLocally } = proxyLocalActivities<CommandActivities>({
  startToCloseTimeout: '30 seconds',
  retry: commandRetry,
});

/** Sagas whose history predates this marker keep sending their commands as regular activities. */
export const localCommandsPatch = 'procession:local-commands';

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
  const execute = patched(localCommandsPatch) ? executeCommandLocally : executeCommand;
  return execute.executeWithOptions({ summary: options.summary ?? `${command.type} (${step})` }, [
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
