import { randomUUID } from 'node:crypto';
import type { Client, SignalDefinition, WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Message } from '../aggregate/decider';
import type { AggregateRegistry } from '../aggregate/registry';
import type { DispatchRequest } from '../saga/commandActivity';
import type { SagaDefinition } from '../saga/defineSaga';

export interface DispatchedCommand {
  commandId: string;
  command: Message;
}

export interface SagaRunOptions<Input> {
  input: Input;
  /**
   * State `load(aggregate, id)` returns, keyed by stream id (`<streamType>-<id>`); a stream not listed
   * has the aggregate's initial state (with a registry given to the kit).
   */
  states?: Record<string, unknown>;
  /** A business rejection for a command, as an aggregate would give it; undefined lets it succeed. */
  reject?(command: Message): { code: string; message: string } | undefined;
  /** Start as the relay does for a signalled saga: this signal arrives with the start, in its first task. */
  startSignal?: { signal: Pick<SignalDefinition, 'name'> | string; args: unknown[] };
  /** Called once the saga started: send it the events it waits for, … */
  afterStart?(handle: WorkflowHandle): Promise<void> | void;
  /**
   * Called once per command, when it is first recorded (never again for the same command id): send the
   * saga a signal, cancel it, … A command runs inside the workflow task (a local activity), and a signal
   * that arrives during the saga's last task makes Temporal retry that task, running its commands again:
   * calling the hook only for a new command id is what keeps such a signal from repeating forever.
   */
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
  /** The finished saga, e.g. to fetch its history for a replay test. */
  handle: WorkflowHandle;
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
      /** The application's aggregates: a stream a test does not set starts in its aggregate's initial state. */
      registry?: AggregateRegistry;
    },
  ) {}

  /** Runs the saga a definition names; its input and result are typed from the definition's workflow. */
  async run<Saga extends SagaDefinition>(
    saga: Saga,
    run: SagaRunOptions<Parameters<Saga['workflow']>[0]>,
  ): Promise<SagaRun<Awaited<ReturnType<Saga['workflow']>>>> {
    const { workflowType } = saga;
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
          // A retried activity or workflow task repeats its command id: record the command once, as the
          // real handler would, and call the hook for it once.
          const first = !dispatched.some((sent) => sent.commandId === request.commandId);
          if (first) dispatched.push({ commandId: request.commandId, command: request.command });
          const rejection = run.reject?.(request.command);
          if (rejection)
            throw ApplicationFailure.create({
              message: rejection.message,
              type: rejection.code,
              nonRetryable: true,
            });
          if (first) await run.afterDispatch?.(request.command, handle!);
          return { streamId: '', version: dispatched.length, changed: true, eventIds: [], duplicate: false };
        },
        loadAggregateState: async (request: { streamType: string; id: string }) => {
          const streamId = `${request.streamType}-${request.id}`;
          if (run.states && Object.hasOwn(run.states, streamId)) return run.states[streamId];
          return this.options.registry?.aggregateForStream(streamId)?.initialState;
        },
      },
    });
    const outcome = await worker.runUntil(async () => {
      const start = { taskQueue, workflowId, args: [run.input] };
      handle = run.startSignal
        ? await this.options.client.workflow.signalWithStart(workflowType, {
            ...start,
            signal:
              typeof run.startSignal.signal === 'string'
                ? run.startSignal.signal
                : run.startSignal.signal.name,
            signalArgs: run.startSignal.args,
          })
        : await this.options.client.workflow.start(workflowType, start);
      try {
        await run.afterStart?.(handle);
        return { result: (await handle.result()) as Awaited<ReturnType<Saga['workflow']>> };
      } catch (error) {
        return { error };
      }
    });
    return {
      ...outcome,
      dispatched,
      handle: handle!,
      commandTypes: () => dispatched.map((sent) => sent.command.type),
    };
  }
}
