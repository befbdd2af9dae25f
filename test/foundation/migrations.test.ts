import { createTestDatabase, type TestDatabase } from '../harness/database';
import { migrate } from '../../engine/eventstore/migrate';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase({ migrated: false });
});

afterAll(async () => {
  await database?.drop();
});

test('migrations apply to an empty database and a second run applies nothing', async () => {
  const first = await migrate(database.url);
  expect(first.length).toBeGreaterThan(0);
  const tables = await database.pool.query<{ table_name: string }>(
    "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
  );
  expect(tables.rows.map((row) => row.table_name)).toEqual(
    expect.arrayContaining(['events', 'processed_commands', 'checkpoints', 'parked_events', 'customers']),
  );

  const second = await migrate(database.url);
  expect(second).toEqual([]);
});
