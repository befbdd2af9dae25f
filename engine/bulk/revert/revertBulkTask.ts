import { Type } from 'typebox';
import { changedBulkItems, countChangedBulkItems } from '../../eventstore/bulkItemCommands';
import { bulkDefaults, type BulkTask } from '../bulkTask';
import { planRevertPage, type RevertParams } from './planRevertPage';

export const revertBulkTaskName = 'revert-bulk-task';

const originalOf = (params: Record<string, unknown>) => (params as unknown as RevertParams).bulkId;

/**
 * The engine's own bulk task behind `POST /bulk/:bulkId/revert`: its items are the items a finished run
 * changed, its command per item that item's declared reversal. It runs like any bulk task (pages, pause,
 * resume, cancel, progress, exactly once per item by command id) but is requested only through the revert
 * route, so it has no route or listing of its own.
 */
export const revertBulkTask: BulkTask = {
  ...bulkDefaults,
  name: revertBulkTaskName,
  title: 'Revert a bulk task',
  description:
    "Undoes what a finished bulk task changed, item by item, with each aggregate's declared reversal; an " +
    'item changed by anything else since is left alone and reported.',
  params: Type.Object({ bulkId: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  items: {
    count: (db, scope) => countChangedBulkItems(db, originalOf(scope.params)),
    page: async (db, scope, range) =>
      (await changedBulkItems(db, originalOf(scope.params), range)).map((item) => item.itemId),
  },
  planPage: planRevertPage,
};
