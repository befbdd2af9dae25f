import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Message } from '../aggregate/decider';
import type { DispatchRequest } from '../saga/commandActivity';

export interface DispatchedCommand {
  commandId: string;
  command: Message;
}

export interface SagaRunOptions<Input> {
  input: Input;
  /** State `load(aggregate, id)` returns, keyed by stream id (`<streamType>-<id>`); absent → initial state is the saga's problem. */
  states?: Record<string, unknown>;
  /** A business rejection for a command, as an aggregate would give it; undefined lets it succeed. */
  reject?(command: Message): { code: string; message: string } | undefined;
  /** Called after each dispatched command is recorded: send the saga a signal, cancel it, … */
  afterDispatch?(command: Message, handle: WorkflowHandle): Promise<void> | void;
  /** Stubs for the application's own activities (reads a saga makes), by activity name. */
  activities?: Record<string, (...args: never[]) => Promise<unknown>>;
}

export interface SagaRun<Result> {
  /** What the workflow returned, or the error it failed with. */
  result?: Result;
  error?: unknown;
  /** Every command the saga sent, in order, with the ids it derived for them. */
  dispatched: DispatchedCommand[];
  commandTypes(): string[];
}

/**
 * Runs one saga on a real Temporal server with stub activities: no database, so a test shows which commands
 * a saga sends, in which order, and what it undoes, in about a second. The saga is the real workflow code
 * from the real bundle; only the activities that would touch the event store are replaced.
 */
export class SagaTestKit {
  constructor(
    private readonly options: {
      client: Client;
      connection: NativeConnection;
      namespace: string;
      workflows: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>;
    },
  ) {}

  async run<Input, Result>(workflowType: string, run: SagaRunOptions<Input>): Promise<SagaRun<Result>> {
    const taskQueue = `saga-test-${randomUUID()}`;
    const workflowId = `${workflowType}-test-${randomUUID()}`;
    const dispatched: DispatchedCommand[] = [];
    let handle: WorkflowHandle | undefined;
    const worker = await Worker.create({
      connection: this.options.connection,
      namespace: this.options.namespace,
      taskQueue,
      ...this.options.workflows,
      activities: {
        ...run.activities,
        executeCommand: async (request: DispatchRequest) => {
          // A retried activity repeats its command id: record the command once, as the real handler would.
          if (!dispatched.some((sent) => sent.commandId === request.commandId))
            dispatched.push({ commandId: request.commandId, command: request.command });
          const rejection = run.reject?.(request.command);
          if (rejection)
            throw ApplicationFailure.create({
              message: rejection.message,
              type: rejection.code,
              nonRetryable: true,
            });
          await run.afterDispatch?.(request.command, handle!);
          return { streamId: '', version: dispatched.length, changed: true, eventIds: [], duplicate: false };
        },
        loadAggregateState: async (request: { streamType: string; id: string }) =>
          run.states?.[`${request.streamType}-${request.id}`],
      },
    });
    const outcome = await worker.runUntil(async () => {
      handle = await this.options.client.workflow.start(workflowType, {
        taskQueue,
        workflowId,
        args: [run.input],
      });
      try {
        return { result: (await handle.result()) as Result };
      } catch (error) {
        return { error };
      }
    });
    return { ...outcome, dispatched, commandTypes: () => dispatched.map((sent) => sent.command.type) };
  }
}
