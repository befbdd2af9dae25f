import type { DomainCommand } from '../domain/registry';
import { bulkTaskKit } from '../engine/bulk/bulkTask';

/** defineBulkTask checked against the shop's commands. */
export const { defineBulkTask } = bulkTaskKit<DomainCommand>();
