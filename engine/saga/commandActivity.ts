import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import { isDomainError } from '../aggregate/errors';
import type { Message } from '../aggregate/decider';
import type { AggregateRegistry } from '../aggregate/registry';
import { handleCommand } from '../commands/commandHandler';
import { IdempotencyKeyReusedError, type CommandResult } from '../commands/commandEnvelope';
import { nameCommandOnSpan } from '../telemetry/commandSpan';

/** What a saga sends: the command id is derived from the workflow id and step, so retries repeat it. */
export interface DispatchRequest {
  commandId: string;
  command: Message;
  correlationId: string;
  causationId: string;
}

/**
 * Which command an outcome belongs to. A local activity's history marker holds its result or failure
 * but not its input, so the result says which command it answers (for `GET /sagas/:id`, the CLI).
 */
export interface SentCommand {
  commandId: string;
  commandType: string;
}

export type DispatchResult = CommandResult & SentCommand;

/**
 * Turns a decider's rejection into a failure Temporal understands: business rules and unknown aggregates
 * are final (non-retryable, typed by their code so a saga can tell InsufficientStock from CardDeclined);
 * transient failures retry with the activity's backoff.
 */
export function toActivityFailure(error: unknown, sent?: SentCommand): unknown {
  if (isDomainError(error)) {
    return ApplicationFailure.create({
      message: error.message,
      type: error.code,
      nonRetryable: error.kind !== 'transient',
      details: [{ kind: error.kind, code: error.code, details: error.details ?? {}, ...sent }],
    });
  }
  if (error instanceof IdempotencyKeyReusedError) {
    return ApplicationFailure.create({
      message: error.message,
      type: 'IdempotencyKeyReused',
      nonRetryable: true,
    });
  }
  return error;
}

/** The activities every saga dispatches through; registered by the worker with the app's registry. */
export function createCommandActivities(pool: Pool, registry: AggregateRegistry) {
  return {
    /** The saga door to the same command handler HTTP uses. */
    async executeCommand(request: DispatchRequest): Promise<DispatchResult> {
      const info = Context.current().info;
      const sent = { commandId: request.commandId, commandType: request.command.type };
      nameCommandOnSpan(sent);
      try {
        const result = await handleCommand(pool, registry, {
          commandId: request.commandId,
          command: request.command,
          attempt: info.attempt,
          metadata: {
            correlationId: request.correlationId,
            causationId: request.causationId,
            actor: `saga:${info.workflowType}`,
            workflowId: info.workflowExecution?.workflowId,
            runId: info.workflowExecution?.runId,
          },
        });
        return { ...result, ...sent };
      } catch (error) {
        throw toActivityFailure(error, sent);
      }
    },
  };
}

export type CommandActivities = ReturnType<typeof createCommandActivities>;
