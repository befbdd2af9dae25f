import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { LogPosition } from '../domain/bulk/bulk';
import { handleCommandBatch } from '../engine/eventstore/batchCommandHandler';
import {
  countCustomersAsOf,
  customersReadModelPosition,
  pageCustomerIdsAsOf,
} from '../projections/customers/customersReadModel';
import { comparePositions } from '../engine/eventstore/types';
import { shop } from '../domain/registry';

export interface DisablePageRequest {
  bulkId: string;
  reason: string;
  asOf: LogPosition;
  after: string | null;
  limit: number;
  correlationId: string;
}

export interface DisablePageResult {
  handled: number;
  lastCustomerId: string | null;
  disabled: number;
  alreadyDisabled: number;
  failures: Array<{ customerId: string; reason: string }>;
}

/** The command id of one customer's disable within one bulk run: a re-run page repeats it. */
export function bulkDisableCommandId(bulkId: string, customerId: string): string {
  return `bulk:${bulkId}:disable:${customerId}`;
}

export function createBulkActivities(pool: Pool) {
  return {
    /**
     * Returns once the customers read model has applied the log up to `asOf`, so paging it sees every
     * customer registered before the request. Heartbeats while it waits: a transaction held open
     * elsewhere in the cluster can hold the projection back for as long as it stays open.
     */
    async waitForCustomersReadModel(asOf: LogPosition): Promise<void> {
      const context = Context.current();
      for (;;) {
        const position = await customersReadModelPosition(pool);
        if (comparePositions(position, asOf) >= 0) return;
        context.heartbeat({ readModelAt: position.globalPosition, waitingFor: asOf.globalPosition });
        await context.sleep(200);
      }
    },

    async countBulkCustomers(asOf: LogPosition): Promise<number> {
      return countCustomersAsOf(pool, asOf);
    },

    /**
     * Disables one page of the recorded customer set: ids by keyset from the read model, then one batch
     * through the command handler (own decide, own expected version, own command id per customer).
     */
    async disableCustomersPage(request: DisablePageRequest): Promise<DisablePageResult> {
      const context = Context.current();
      const ids = await pageCustomerIdsAsOf(pool, request.asOf, request.after, request.limit);
      context.heartbeat({ after: request.after, found: ids.length });
      const outcomes = await handleCommandBatch(
        pool,
        shop,
        ids.map((customerId) => ({
          commandId: bulkDisableCommandId(request.bulkId, customerId),
          command: { type: 'DisableCustomer', data: { customerId, reason: request.reason } },
          attempt: context.info.attempt,
          metadata: {
            correlationId: request.correlationId,
            causationId: `bulk-${request.bulkId}`,
            actor: `saga:${context.info.workflowType}`,
            workflowId: context.info.workflowExecution?.workflowId,
            runId: context.info.workflowExecution?.runId,
          },
        })),
      );
      const result: DisablePageResult = {
        handled: ids.length,
        lastCustomerId: ids.at(-1) ?? null,
        disabled: 0,
        alreadyDisabled: 0,
        failures: [],
      };
      outcomes.forEach((outcome, index) => {
        if (!outcome.ok)
          result.failures.push({
            customerId: ids[index]!,
            reason: `${outcome.error.name}: ${outcome.error.message}`,
          });
        else if (outcome.result.changed) result.disabled++;
        else result.alreadyDisabled++;
      });
      context.heartbeat({ after: result.lastCustomerId, done: true });
      return result;
    },
  };
}
