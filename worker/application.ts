import { createActivities } from '../activities';
import { shopBulkTasks } from '../bulkTasks';
import { shop } from '../domain/registry';
import { shopEventSchemas } from '../domain/upcasters';
import { defineApplication } from '../engine/application';
import { shopProjections } from '../projections';
import * as workflows from '../workflows';
import type { TriggerSettings } from '../workflows/settings';

/** The shop, as the engine runs it: every list in one place, checked against each other at start. */
export const shopApplication = defineApplication<TriggerSettings>({
  registry: shop,
  workflows,
  workflowsPath: require.resolve('../workflows'),
  projections: shopProjections,
  bulkTasks: shopBulkTasks,
  eventSchemas: shopEventSchemas,
  activities: createActivities,
});
