import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Pool } from 'pg';
import { createActivities } from '../activities';

export interface SagaWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  pool: Pool;
  /** A prebuilt workflow bundle (tests build it once per run); otherwise workflows/ is bundled now. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Another workflow module to bundle (the bench adds a baseline workflow); defaults to workflows/. */
  workflowsPath?: string;
}

/** The Temporal worker that runs both sagas and the activities that bridge them to the event store. */
export function createSagaWorker(options: SagaWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: options.workflowsPath ?? require.resolve('../workflows') }),
    activities: createActivities(options.pool),
  });
}
