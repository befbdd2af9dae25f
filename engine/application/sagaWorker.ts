import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Pool } from 'pg';
import { tracingWorkflowInterceptorModules, workerTracing } from '../telemetry/temporalTracing';
import type { Application } from './application';

export interface SagaWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  pool: Pool;
  /**
   * A prebuilt workflow bundle (tests build it once per run); otherwise the workflows module is bundled now.
   * Build it with `workflowInterceptorModules: tracingWorkflowInterceptorModules` for its sagas to be traced.
   */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Another workflow module to bundle (the bench adds baseline workflows); defaults to the application's. */
  workflowsPath?: string;
  /**
   * Worker Versioning: the worker serves this build of the deployment, and a saga runs on the build it
   * started on unless it says `versioning: 'autoUpgrade'`. Absent, the worker is unversioned.
   */
  deployment?: WorkerDeployment;
}

export interface WorkerDeployment {
  deploymentName: string;
  buildId: string;
}

/** The Temporal worker that runs every saga of the application and the activities that bridge them to the event store. */
export function createSagaWorker(application: Application, options: SagaWorkerOptions): Promise<Worker> {
  const tracing = workerTracing();
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    // A prebuilt bundle has the tracing interceptors bundled in already (bundleWorkflowCode's
    // workflowInterceptorModules); the worker would only warn that it ignores them.
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: options.workflowsPath ?? application.workflowsPath }),
    interceptors: {
      activity: tracing.activity,
      ...(options.workflowBundle ? {} : { workflowModules: [...tracingWorkflowInterceptorModules] }),
    },
    sinks: tracing.sinks,
    activities: application.activitiesFor(options.pool),
    ...(options.deployment
      ? {
          workerDeploymentOptions: {
            useWorkerVersioning: true,
            version: options.deployment,
            // Sagas declare their own (defineSaga's `versioning`); this covers any workflow that does not.
            defaultVersioningBehavior: 'PINNED' as const,
          },
        }
      : {}),
  });
}
