import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { bundleWorkflowCode, type WorkerOptions } from '@temporalio/worker';
import { version } from '../../package.json';
import { tracingWorkflowInterceptorModules } from '../telemetry/temporalTracing';
import type { WorkerDeployment } from './sagaWorker';

/**
 * PROCESSION_DEPLOYMENT turns Worker Versioning on: the worker serves one build of that deployment.
 * PROCESSION_BUILD_ID names the build; by default the package version and a hash of the workflow bundle,
 * so a build id changes exactly when the workflow code does. The bundle is built here for that (and handed
 * to the worker, which then skips bundling).
 */
export async function workerDeploymentFromEnv(
  workflowsPath: string,
  prebuilt: WorkerOptions['workflowBundle'] | undefined,
): Promise<{ deployment?: WorkerDeployment; workflowBundle?: WorkerOptions['workflowBundle'] }> {
  const deploymentName = process.env.PROCESSION_DEPLOYMENT;
  if (!deploymentName) return { workflowBundle: prebuilt };
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/.test(deploymentName))
    throw new Error(
      `PROCESSION_DEPLOYMENT must be letters, digits, '_', '.' or '-', got '${deploymentName}'`,
    );
  const given = process.env.PROCESSION_BUILD_ID;
  if (given) return { deployment: { deploymentName, buildId: given }, workflowBundle: prebuilt };
  const bundle =
    prebuilt ??
    (await bundleWorkflowCode({
      workflowsPath,
      workflowInterceptorModules: [...tracingWorkflowInterceptorModules],
    }));
  const code = 'code' in bundle ? bundle.code : fs.readFileSync(bundle.codePath, 'utf8');
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 12);
  return { deployment: { deploymentName, buildId: `${version}-${hash}` }, workflowBundle: bundle };
}
