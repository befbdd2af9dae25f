import type { Pool } from 'pg';
import type { AggregateRegistry } from '../aggregate/registry';
import { checkEventSchemas, type EventSchemas } from '../aggregate/eventSchemas';
import type { BulkTask } from '../bulk/bulkTask';
import { createBulkTaskActivities } from '../bulk/bulkTaskActivities';
import { bulkTasksSaga, type BulkSettings } from '../bulk/bulkTaskSaga';
import { bulkTask } from '../bulk/bulkTaskWorkflow';
import { bulkTaskWorkflowType } from '../bulk/contract';
import { revertBulkTask } from '../bulk/revert/revertBulkTask';
import type { MigrationSet } from '../eventstore/migrate';
import type { Projection } from '../projections/projection';
import type { Trigger } from '../relay/trigger';
import { createAggregateReadActivities } from '../saga/aggregateReads';
import { createCommandActivities } from '../saga/commandActivity';
import { sagasIn, triggersOf, type SagaDefinition } from '../saga/defineSaga';
import { failOnUnlistedSagas } from './unlistedSagas';

/** What an application hands the engine: its lists, each defined once. */
export interface ApplicationDefinition {
  /** The aggregates (domain/registry.ts), including the engine's bulkTaskAggregate when it has bulk tasks. */
  registry: AggregateRegistry;
  /** The workflows module, as imported: the sagas are found in it (sagasIn), the worker bundles it. */
  workflows: Record<string, unknown>;
  /** `require.resolve` of that module, for the worker's bundler. */
  workflowsPath: string;
  projections: readonly Projection[];
  bulkTasks: readonly BulkTask[];
  eventSchemas: EventSchemas;
  /** The application's own activities (reads its sagas make), registered beside the engine's. */
  activities?(pool: Pool): object;
}

export interface Application<Settings = unknown> extends ApplicationDefinition {
  /** Every saga: the workflows module's and, with bulk tasks, the engine's bulk-task saga. */
  readonly sagas: readonly SagaDefinition<Settings>[];
  readonly triggers: readonly Trigger<Settings>[];
  /** The read models' migrations, each set tracked on its own. */
  readonly readModelMigrations: readonly MigrationSet[];
  /** Every activity the worker registers: the engine's (commands, aggregate reads, bulk pages) and the application's. */
  activitiesFor(pool: Pool): object;
  projectionNamed(name: string): Projection | undefined;
}

function unique(kind: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new Error(`two ${kind} are named '${name}'`);
    seen.add(name);
  }
}

/**
 * Checks an application's lists against each other once, at start, and derives what the worker, the
 * relay, the projections and the API read from them. An inconsistency (a bulk task over a read model
 * that is not listed, a saga not exported under its workflow type, a saga defined beside the workflows
 * module but missing from it) fails here, not at the first event.
 */
export function defineApplication<Settings extends BulkSettings = BulkSettings>(
  definition: ApplicationDefinition,
): Application<Settings> {
  unique(
    'projections',
    definition.projections.map((projection) => projection.name),
  );
  // The engine's revert task runs beside the application's, so reverting any of them needs no code.
  const runnableBulkTasks = [...definition.bulkTasks, revertBulkTask];
  unique(
    'bulk tasks',
    runnableBulkTasks.map((task) => task.name),
  );
  for (const task of definition.bulkTasks) {
    if (task.items.readModel && !definition.projections.includes(task.items.readModel))
      throw new Error(
        `bulk task '${task.name}' pages the read model '${task.items.readModel.name}', which is not listed`,
      );
  }
  checkEventSchemas(definition.eventSchemas);
  const sagas = sagasIn<Settings>(definition.workflows);
  failOnUnlistedSagas(definition.workflowsPath, sagas);
  if (definition.bulkTasks.length > 0) {
    if (definition.workflows[bulkTaskWorkflowType] !== bulkTask)
      throw new Error(
        `the workflows module must export the engine's bulk workflow: export { ${bulkTaskWorkflowType} } from '<engine>/bulk/bulkTaskWorkflow'`,
      );
    if (!definition.registry.isCommandType('RequestBulkTask'))
      throw new Error(
        'the registry must list bulkTaskAggregate (engine/bulk/bulkTaskAggregate) to run bulk tasks',
      );
    sagas.push(bulkTasksSaga<Settings>(runnableBulkTasks));
  }
  return {
    ...definition,
    sagas,
    triggers: triggersOf(sagas),
    readModelMigrations: definition.projections.map((projection) => ({
      name: `projection_${projection.name}`,
      dir: projection.migrationsDir,
    })),
    activitiesFor: (pool) => ({
      ...createCommandActivities(pool, definition.registry),
      ...createAggregateReadActivities(pool, definition.registry),
      ...createBulkTaskActivities(pool, definition.registry, runnableBulkTasks),
      ...definition.activities?.(pool),
    }),
    projectionNamed: (name) => definition.projections.find((projection) => projection.name === name),
  };
}
