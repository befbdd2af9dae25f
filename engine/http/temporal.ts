import { WorkflowNotFoundError, type QueryDefinition } from '@temporalio/client';
import type { ApiDependencies } from './dependencies';

const defaultTimeoutMs = 5_000;

/** The Web UI page of a workflow, or null when no UI address was configured. */
export function workflowUiUrl(deps: ApiDependencies, workflowId: string): string | null {
  const { uiUrl, namespace } = deps.temporal;
  if (!uiUrl) return null;
  return `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** Runs Temporal calls under a deadline, so a missing worker or server costs a bounded wait. */
export function withTemporalDeadline<T>(deps: ApiDependencies, fn: () => Promise<T>): Promise<T> {
  const timeoutMs = deps.temporalTimeoutMs ?? defaultTimeoutMs;
  return deps.temporal.client.withDeadline(Date.now() + timeoutMs, fn);
}

export type QueryOutcome<T> =
  { kind: 'answered'; value: T } | { kind: 'notFound' } | { kind: 'failed'; error: unknown };

/**
 * Queries a workflow, telling "no such workflow" apart from "it exists but did not answer" (no worker,
 * no such query, a deadline): callers fall back differently for each.
 */
export async function tryQuery<T>(
  deps: ApiDependencies,
  workflowId: string,
  query: QueryDefinition<T, []> | string,
): Promise<QueryOutcome<T>> {
  const handle = deps.temporal.client.workflow.getHandle(workflowId);
  try {
    const value = await withTemporalDeadline(deps, () => handle.query<T, []>(query));
    return { kind: 'answered', value };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { kind: 'notFound' };
    return { kind: 'failed', error };
  }
}
