import {
  createTestDatabase as createDatabase,
  testDatabaseUrl,
  type TestDatabase,
} from '../../engine/testing/testDatabase';
import { shopApplication } from '../../worker/application';

export { testDatabaseUrl, type TestDatabase };

/** A database of the test file's own, migrated for the shop (event store and read models). */
export function createTestDatabase(options: { migrated?: boolean; serverUrl?: string } = {}) {
  return createDatabase({ ...options, readModels: shopApplication.readModelMigrations });
}
