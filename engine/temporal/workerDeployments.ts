import type { Client } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';

// Temporal's Worker Deployment API (server ≥ 1.28, SDK 1.24): no high-level client yet, so the raw
// workflow service calls. Status numbers are temporal.api.enums.v1.WorkerDeploymentVersionStatus.
const versionStatus: Record<number, VersionStatus> = {
  1: 'inactive',
  2: 'current',
  3: 'ramping',
  4: 'draining',
  5: 'drained',
};

export type VersionStatus = 'inactive' | 'current' | 'ramping' | 'draining' | 'drained' | 'unspecified';

export interface DeploymentVersionView {
  buildId: string;
  status: VersionStatus;
  /** Runs still open on this build: what has to drain before its workers can be stopped. */
  openRuns: number;
}

export interface DeploymentView {
  deploymentName: string;
  currentBuildId: string | null;
  versions: DeploymentVersionView[];
}

const notFound = 5;
const failedPrecondition = 9;
const codeOf = (error: unknown) => (error as { code?: number }).code;

/** The deployment's versions, which one is current, and how many runs each still has open; undefined if none polled yet. */
export async function describeDeployment(
  client: Client,
  namespace: string,
  deploymentName: string,
): Promise<DeploymentView | undefined> {
  let info;
  try {
    ({ workerDeploymentInfo: info } = await client.workflowService.describeWorkerDeployment({
      namespace,
      deploymentName,
    }));
  } catch (error) {
    if (codeOf(error) === notFound) return undefined;
    throw error;
  }
  const versions = await Promise.all(
    (info?.versionSummaries ?? []).map(async (summary) => {
      const buildId = summary.deploymentVersion?.buildId ?? '';
      // Visibility spells a version deployment:build; it is updated a moment after a run starts or ends.
      const { count } = await client.workflow.count(
        `TemporalWorkerDeploymentVersion = '${deploymentName}:${buildId}' AND ExecutionStatus = 'Running'`,
      );
      return { buildId, status: versionStatus[summary.status ?? 0] ?? 'unspecified', openRuns: count };
    }),
  );
  return {
    deploymentName,
    currentBuildId: info?.routingConfig?.currentDeploymentVersion?.buildId ?? null,
    versions,
  };
}

/**
 * Makes a build current: new runs start on it, pinned runs stay where they started. A worker that has just
 * started is known to the server a moment later (NOT_FOUND), and a build must poll every task queue the
 * current one does (FAILED_PRECONDITION): both are waited out up to `timeoutMs`.
 */
export async function promoteBuild(
  client: Client,
  namespace: string,
  deployment: { deploymentName: string; buildId: string },
  options: { timeoutMs?: number; identity?: string } = {},
): Promise<{ previousBuildId: string | null }> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    try {
      const answer = await client.workflowService.setWorkerDeploymentCurrentVersion({
        namespace,
        deploymentName: deployment.deploymentName,
        buildId: deployment.buildId,
        identity: options.identity ?? 'procession',
      });
      return { previousBuildId: answer.previousDeploymentVersion?.buildId || null };
    } catch (error) {
      const waitable = codeOf(error) === notFound || codeOf(error) === failedPrecondition;
      if (!waitable || Date.now() > deadline) throw error;
      await sleep(200);
    }
  }
}
