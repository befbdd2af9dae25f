import { Type, type Static } from 'typebox';
import type { BulkFailure } from '../../bulk/bulkTaskAggregate';
import type { BulkProgress } from '../../bulk/contract';
import { logPosition, nullableString, uiLink } from '../schemas';
import type { Holds, Fits } from './json';

const count = Type.Integer();

export const bulkProgressView = Type.Object({
  bulkId: Type.String(),
  task: Type.String(),
  params: Type.Record(Type.String(), Type.Unknown()),
  /** The run's own status (BulkProgress), or `requested` before the relay started it. */
  status: Type.Unsafe<BulkProgress['status'] | 'requested'>(Type.String()),
  total: count,
  processed: count,
  changed: count,
  unchanged: count,
  failed: count,
  failures: Type.Array(Type.Object({ itemId: Type.String(), reason: Type.String() })),
  failureReason: nullableString,
  /** Items a revert left alone because something else changed them since; the first ones by name. */
  skipped: count,
  skips: Type.Array(Type.Object({ itemId: Type.String(), reason: Type.String() })),
  /** The limits in force (live from the run; null once it ended or when it was requested without them). */
  limits: Type.Union([
    Type.Object({
      maxItemsPerSecond: Type.Union([Type.Number(), Type.Null()]),
      maxPagesInFlight: Type.Integer(),
    }),
    Type.Null(),
  ]),
  /** Items per second over the last ten seconds of pages; null before two pages ended. */
  rate: Type.Union([Type.Number(), Type.Null()]),
  /** Seconds left at that rate. */
  etaSeconds: Type.Union([Type.Integer(), Type.Null()]),
  /** When a scheduled run starts, as requested. */
  runAt: nullableString,
  /** The run that reverts this one, once requested. */
  revertedBy: nullableString,
  /** For a revert run: the run it reverts. */
  reverts: nullableString,
  /** Where the numbers come from: the live saga, or the bulk aggregate when the saga cannot say. */
  source: Type.Enum(['workflow', 'aggregate']),
  workflowId: Type.String(),
  uiUrl: uiLink,
});

export type BulkProgressView = Static<typeof bulkProgressView>;

// The aggregate's failures are answered as they are.
export type BulkFailuresFitTheWire = Holds<Fits<BulkFailure, BulkProgressView['failures'][number]>>;

/** A task's parameter schema as a client reads it: a JSON schema of an object. */
export interface ParameterSchema {
  properties?: Record<string, { type?: string | string[]; description?: string }>;
  required?: string[];
}

/** GET /bulk-tasks: what can be requested, and where. */
export const bulkTaskList = Type.Object({
  items: Type.Array(
    Type.Object({
      name: Type.String(),
      title: Type.String(),
      description: Type.String(),
      route: Type.String(),
      // The task's parameter schema itself: a JSON schema, whatever it says.
      params: Type.Unsafe<ParameterSchema>({ type: 'object', additionalProperties: true }),
    }),
  ),
});

/** POST /bulk/:bulkId/revert (202): the revert run, itself a bulk task followed at /bulk/<bulkId>. */
export const bulkRevertAccepted = Type.Object({
  bulkId: Type.String(),
  reverts: Type.String(),
  workflowId: Type.String(),
  uiUrl: uiLink,
  position: logPosition,
});

/** POST /bulk/<task> (202): the run's id and its saga; follow it at /bulk/<bulkId>. */
export const bulkAccepted = Type.Object({
  bulkId: Type.String(),
  workflowId: Type.String(),
  uiUrl: uiLink,
  position: logPosition,
});

export type BulkTaskList = Static<typeof bulkTaskList>;
export type BulkAccepted = Static<typeof bulkAccepted>;
export type BulkRevertAccepted = Static<typeof bulkRevertAccepted>;
