import { createTestDatabase, type TestDatabase } from '../harness/database';
import { migrate } from '../../engine/eventstore/migrate';
import { shopApplication } from '../../worker/application';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase({ migrated: false });
});

afterAll(async () => {
  await database?.drop();
});

const tables = async () =>
  (
    await database.pool.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
    )
  ).rows.map((row) => row.table_name);

test("the event store's migrations create only its own tables; each read model's come with it", async () => {
  expect(await migrate(database.url)).not.toEqual([]);
  const own = await tables();
  expect(own).toEqual(
    expect.arrayContaining([
      'checkpoints',
      'events',
      'ignored_deliveries',
      'parked_events',
      'pgmigrations',
      'processed_commands',
      'read_model_rebuilds',
    ]),
  );
  // No read model's table comes with the event store's own migrations.
  expect(
    own.filter((table) => ['customers', 'customer_orders', 'groups', 'group_channels'].includes(table)),
  ).toEqual([]);

  const readModels = shopApplication.readModelMigrations;
  const applied = await migrate(database.url, { readModels });
  // The shop's read models' migrations, each applied once; an application with more applies those too.
  expect(applied).toEqual(expect.arrayContaining(['1764547200000_customers', '1764633600000_groups']));
  expect(new Set(applied).size).toBe(applied.length);
  expect(await tables()).toEqual(
    expect.arrayContaining([
      'customers',
      'pgmigrations_projection_customers',
      'groups',
      'group_channels',
      'pgmigrations_projection_groups',
    ]),
  );

  expect(await migrate(database.url, { readModels })).toEqual([]);
});

test('a database whose customers table the event log used to create gets the new columns and a rebuild', async () => {
  const old = await createTestDatabase({ migrated: false });
  try {
    await migrate(old.url);
    // The table as the event log's first migration created it, with a row and a projection checkpoint.
    await old.pool.query(`create table customers (
      customer_id text primary key, name text not null, email text not null,
      status text not null check (status in ('active', 'disabled')), disabled_reason text,
      version integer not null, registered_transaction_id xid8 not null, registered_position bigint not null,
      updated_at timestamptz not null)`);
    await old.pool.query(
      `insert into customers values ('c-1', 'A', 'a@b.c', 'disabled', 'fraud', 2, '5', 7, now())`,
    );
    await old.pool.query(
      `insert into checkpoints (subscription_id, transaction_id, global_position) values ('projection:customers', '9', 9)`,
    );

    await migrate(old.url, { readModels: shopApplication.readModelMigrations });
    const columns = await old.pool.query<{ column_name: string }>(
      "select column_name from information_schema.columns where table_name = 'customers'",
    );
    expect(columns.rows.map((row) => row.column_name)).toEqual(
      expect.arrayContaining(['disabled_transaction_id', 'disabled_position']),
    );
    // Emptied and rewound, so the projection refills every column from the log.
    expect((await old.pool.query('select * from customers')).rowCount).toBe(0);
    const checkpoint = await old.pool.query(
      `select transaction_id::text, global_position::text from checkpoints where subscription_id = 'projection:customers'`,
    );
    expect(checkpoint.rows).toEqual([{ transaction_id: '0', global_position: '0' }]);
  } finally {
    await old.drop();
  }
});

test('processes started together migrate one after another: each succeeds, every migration runs once', async () => {
  const fresh = await createTestDatabase({ migrated: false });
  try {
    const readModels = shopApplication.readModelMigrations;
    // As two APIs, a worker and a relay started at once would: without the queue, all but one failed
    // with node-pg-migrate's "Another migration is already running".
    const runs = await Promise.all(Array.from({ length: 6 }, () => migrate(fresh.url, { readModels })));
    const applied = runs.flat();
    expect(applied).toEqual(expect.arrayContaining(['1764547200000_customers', '1764633600000_groups']));
    expect(new Set(applied).size).toBe(applied.length);
    expect(runs.filter((run) => run.length > 0)).toHaveLength(1);
  } finally {
    await fresh.drop();
  }
});
