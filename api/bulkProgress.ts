import { bulkAggregate, type BulkState } from '../domain/bulk/bulk';
import {
  bulkProgressQuery,
  disableAllCustomersWorkflowId,
  type BulkProgress,
} from '../workflows/disableAllCustomers/contract';
import { loadAggregate } from './aggregates';
import type { ApiDependencies } from './dependencies';
import { ApiError } from './errors';
import { uiLink } from './schemas';
import { tryQuery, workflowUiUrl } from './temporal';

type BulkProgressStatus = BulkProgress['status'] | 'requested';

export interface BulkProgressView {
  bulkId: string;
  status: BulkProgressStatus;
  total: number;
  processed: number;
  disabled: number;
  alreadyDisabled: number;
  failed: number;
  failures: Array<{ customerId: string; reason: string }>;
  /** Where the numbers come from: the live saga, or the bulk aggregate when the saga cannot say. */
  source: 'workflow' | 'aggregate';
  workflowId: string;
  uiUrl: string | null;
}

export const progressView = {
  type: 'object',
  properties: {
    bulkId: { type: 'string' },
    status: { type: 'string' },
    total: { type: 'integer' },
    processed: { type: 'integer' },
    disabled: { type: 'integer' },
    alreadyDisabled: { type: 'integer' },
    failed: { type: 'integer' },
    failures: {
      type: 'array',
      items: {
        type: 'object',
        properties: { customerId: { type: 'string' }, reason: { type: 'string' } },
      },
    },
    source: { type: 'string' },
    workflowId: { type: 'string' },
    uiUrl: uiLink,
  },
  required: [
    'bulkId',
    'status',
    'total',
    'processed',
    'disabled',
    'alreadyDisabled',
    'failed',
    'failures',
    'source',
    'workflowId',
    'uiUrl',
  ],
} as const;

export function links(deps: ApiDependencies, bulkId: string) {
  const workflowId = disableAllCustomersWorkflowId(bulkId);
  return { workflowId, uiUrl: workflowUiUrl(deps, workflowId) };
}

function fromWorkflow(deps: ApiDependencies, bulkId: string, progress: BulkProgress): BulkProgressView {
  const { status, total, processed, disabled, alreadyDisabled, failed, failures } = progress;
  return {
    bulkId,
    status,
    total,
    processed,
    disabled,
    alreadyDisabled,
    failed,
    failures,
    source: 'workflow',
    ...links(deps, bulkId),
  };
}

function fromAggregate(deps: ApiDependencies, bulkId: string, state: BulkState): BulkProgressView {
  const counts = state.counts ?? { total: 0, disabled: 0, alreadyDisabled: 0, failed: 0 };
  return {
    bulkId,
    status: state.status === 'none' ? 'requested' : state.status,
    ...counts,
    processed: counts.disabled + counts.alreadyDisabled + counts.failed,
    failures: state.failures ?? [],
    source: 'aggregate',
    ...links(deps, bulkId),
  };
}

export function bulkNotFound(bulkId: string): ApiError {
  return new ApiError(404, 'BulkOperationNotFound', `Bulk operation ${bulkId} was never requested`, {
    bulkId,
  });
}

export const loadBulk = (deps: ApiDependencies, bulkId: string) =>
  loadAggregate(deps.pool, bulkAggregate, `bulk-${bulkId}`);

/**
 * The saga knows the live numbers; the aggregate knows the request before the relay started the saga, and
 * the outcome once it ended.
 */
export async function currentProgress(deps: ApiDependencies, bulkId: string): Promise<BulkProgressView> {
  const queried = await tryQuery(deps, disableAllCustomersWorkflowId(bulkId), bulkProgressQuery);
  if (queried.kind === 'answered') return fromWorkflow(deps, bulkId, queried.value);
  const bulk = await loadBulk(deps, bulkId);
  if (!bulk) {
    if (queried.kind === 'failed') throw queried.error;
    throw bulkNotFound(bulkId);
  }
  if (queried.kind === 'notFound' || bulk.state.status !== 'requested') {
    return fromAggregate(deps, bulkId, bulk.state);
  }
  throw new ApiError(
    503,
    'ProgressUnavailable',
    `The workflow of bulk operation ${bulkId} did not answer the progress query; is a worker running?`,
    { bulkId, cause: (queried.error as Error)?.message ?? String(queried.error) },
  );
}

/** After a signal was delivered, a failed query must not turn the answer into an error. */
export async function progressAfterSignal(deps: ApiDependencies, bulkId: string): Promise<BulkProgressView> {
  const queried = await tryQuery(deps, disableAllCustomersWorkflowId(bulkId), bulkProgressQuery);
  if (queried.kind === 'answered') return fromWorkflow(deps, bulkId, queried.value);
  const bulk = await loadBulk(deps, bulkId);
  return fromAggregate(deps, bulkId, bulk?.state ?? bulkAggregate.initialState);
}
