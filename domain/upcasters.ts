import type { EventSchemas } from '../engine/aggregate';

interface LegacyCounts {
  total: number;
  disabled: number;
  alreadyDisabled: number;
  failed: number;
}
interface LegacyFailure {
  customerId: string;
  reason: string;
}

const counts = ({ total, disabled, alreadyDisabled, failed }: LegacyCounts) => ({
  total,
  changed: disabled,
  unchanged: alreadyDisabled,
  failed,
});
const failures = (legacy: readonly LegacyFailure[] = []) =>
  legacy.map(({ customerId, reason }) => ({ itemId: customerId, reason }));

/** OrderPlaced v1 → v2: orders were all priced in euros, and addresses had no region. */
export function orderPlacedV1ToV2(data: unknown): unknown {
  const v1 = data as { shippingAddress: Record<string, unknown> } & Record<string, unknown>;
  return { ...v1, currency: 'EUR', shippingAddress: { ...v1.shippingAddress, region: null } };
}

/**
 * The shop's event schema history. OrderPlaced is at version 2 (orderPlacedV1ToV2); every other event type
 * is at version 1. Before bulk tasks were an
 * engine primitive, DisableAllCustomers had events of its own on the same `bulk-<id>` streams; they are
 * read as the generic bulk-task events, so old runs still show their outcome.
 * Installed at start by the application (worker/application.ts).
 */
export const shopEventSchemas: EventSchemas = {
  upcasters: { OrderPlaced: { 1: orderPlacedV1ToV2 } },
  currentVersions: { OrderPlaced: 2 },
  renamed: {
    DisableAllCustomersRequested: (data) => {
      const { bulkId, reason } = data as { bulkId: string; reason: string };
      return {
        type: 'BulkTaskRequested',
        data: { bulkId, task: 'disable-all-customers', params: { reason }, scope: 'asOfRequest' },
      };
    },
    BulkOperationCompleted: (data) => {
      const legacy = data as { bulkId: string; counts: LegacyCounts; failures?: LegacyFailure[] };
      return {
        type: 'BulkTaskCompleted',
        data: { bulkId: legacy.bulkId, counts: counts(legacy.counts), failures: failures(legacy.failures) },
      };
    },
    BulkOperationCancelled: (data) => {
      const legacy = data as { bulkId: string; counts: LegacyCounts };
      return { type: 'BulkTaskCancelled', data: { bulkId: legacy.bulkId, counts: counts(legacy.counts) } };
    },
  },
};
