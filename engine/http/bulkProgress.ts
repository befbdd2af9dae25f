import { bulkTaskAggregate, type BulkTaskState } from '../bulk/bulkTaskAggregate';
import { bulkProgressQuery, bulkTaskWorkflowId, type BulkProgress } from '../bulk/contract';
import { revertBulkTaskName } from '../bulk/revert/revertBulkTask';
import { loadAggregate } from './aggregates';
import type { ApiDependencies } from './dependencies';
import { ApiError } from './errors';
import type { BulkProgressView } from './contract';
import { tryQuery, workflowUiUrl } from './temporal';

export function links(deps: ApiDependencies, task: string, bulkId: string) {
  const workflowId = bulkTaskWorkflowId(task, bulkId);
  return { workflowId, uiUrl: workflowUiUrl(deps, workflowId) };
}

/** What a run says of reverts: the run that reverts it, or the run it reverts. */
function revertLinks(bulk: BulkTaskState) {
  return {
    revertedBy: bulk.revertedBy ?? null,
    reverts: bulk.task === revertBulkTaskName ? String(bulk.params.bulkId) : null,
  };
}

function fromWorkflow(deps: ApiDependencies, bulk: BulkTaskState, progress: BulkProgress): BulkProgressView {
  const { status, total, processed, changed, unchanged, failed, failures } = progress;
  return {
    bulkId: bulk.bulkId,
    task: bulk.task,
    params: bulk.params,
    status,
    total,
    processed,
    changed,
    unchanged,
    failed,
    failures,
    failureReason: progress.failureReason ?? null,
    skipped: progress.skipped ?? 0,
    skips: progress.skips ?? [],
    limits: progress.limits ?? null,
    rate: progress.rate ?? null,
    etaSeconds: progress.etaSeconds ?? null,
    runAt: progress.runAt ?? null,
    ...revertLinks(bulk),
    source: 'workflow',
    ...links(deps, bulk.task, bulk.bulkId),
  };
}

function fromAggregate(deps: ApiDependencies, bulk: BulkTaskState): BulkProgressView {
  const { skipped = 0, ...counts } = bulk.counts ?? { total: 0, changed: 0, unchanged: 0, failed: 0 };
  return {
    bulkId: bulk.bulkId,
    task: bulk.task,
    params: bulk.params,
    status: bulk.status === 'none' ? 'requested' : bulk.status,
    ...counts,
    skipped,
    skips: bulk.skips ?? [],
    limits: null,
    rate: null,
    etaSeconds: null,
    runAt: bulk.runAt ?? null,
    ...revertLinks(bulk),
    processed: counts.changed + counts.unchanged + counts.failed + skipped,
    failures: bulk.failures ?? [],
    failureReason: bulk.failureReason ?? null,
    source: 'aggregate',
    ...links(deps, bulk.task, bulk.bulkId),
  };
}

export function bulkNotFound(bulkId: string): ApiError {
  return new ApiError(404, 'BulkTaskNotFound', `Bulk task ${bulkId} was never requested`, { bulkId });
}

/** The run's request and outcome, from its own stream; 404 when it was never requested. */
export async function loadBulk(deps: ApiDependencies, bulkId: string): Promise<BulkTaskState> {
  const loaded = await loadAggregate(deps.pool, bulkTaskAggregate, bulkTaskAggregate.streamId(bulkId));
  if (!loaded) throw bulkNotFound(bulkId);
  return loaded.state;
}

/**
 * A closed run's outcome is on its aggregate. While it is open, the saga knows the live numbers; before
 * the relay started it, only the request exists.
 */
export async function currentProgress(deps: ApiDependencies, bulkId: string): Promise<BulkProgressView> {
  const bulk = await loadBulk(deps, bulkId);
  if (bulk.status !== 'requested') return fromAggregate(deps, bulk);
  const queried = await tryQuery(deps, bulkTaskWorkflowId(bulk.task, bulkId), bulkProgressQuery);
  if (queried.kind === 'answered') return fromWorkflow(deps, bulk, queried.value);
  if (queried.kind === 'notFound') return fromAggregate(deps, bulk);
  throw new ApiError(
    503,
    'ProgressUnavailable',
    `The workflow of bulk task ${bulkId} did not answer the progress query; is a worker running?`,
    { bulkId, cause: (queried.error as Error)?.message ?? String(queried.error) },
  );
}

/** After a signal was delivered, a failed query must not turn the answer into an error. */
export async function progressAfterSignal(
  deps: ApiDependencies,
  bulk: BulkTaskState,
): Promise<BulkProgressView> {
  const queried = await tryQuery(deps, bulkTaskWorkflowId(bulk.task, bulk.bulkId), bulkProgressQuery);
  if (queried.kind === 'answered') return fromWorkflow(deps, bulk, queried.value);
  return fromAggregate(deps, bulk);
}
