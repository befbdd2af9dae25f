import type { PoolClient } from 'pg';
import { horizonSql, toHorizon } from '../../engine/eventstore/horizon';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { beginOn, finish } from './helpers';

// The horizon rule (engine/eventstore/horizon.ts) asked about lock pictures a real server shows only for
// microseconds: which running transaction holds the readers back, and which is passed.
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describe('the horizon rule on a fabricated lock picture', () => {
  // The window the rule exists for lasts microseconds in a real server (test/faults/horizonWindow freezes
  // a backend in it with gdb); here the snapshot and the pg_locks rows are handed to the same query.
  // Transactions are real and open, so pg_xact_status answers for them as it would in production.
  let open: Array<{ client: PoolClient; xid: string }> = [];
  let ended: string;
  let databaseOid: string;

  beforeAll(async () => {
    ended = (await database.pool.query<{ xid: string }>('select pg_current_xact_id()::text as xid')).rows[0]!
      .xid;
    databaseOid = (
      await database.pool.query<{ oid: string }>(
        'select oid::text from pg_database where datname = current_database()',
      )
    ).rows[0]!.oid;
    for (let i = 0; i < 3; i++) {
      const client = await beginOn(database.pool);
      const { rows } = await client.query<{ xid: string }>('select pg_current_xact_id()::text as xid');
      open.push({ client, xid: rows[0]!.xid });
    }
  });

  afterAll(async () => {
    for (const { client } of open) await finish(client);
    open = [];
  });

  type Row = { xid?: string; appendLock?: 'here' | 'elsewhere'; transactionIdRow?: boolean; pid: number };
  /** The horizon the rule gives for a snapshot listing `running` and a pg_locks holding `rows`. */
  async function horizonFor(running: string[], rows: Row[]) {
    const xmax = (BigInt(open.at(-1)!.xid) + 1n).toString();
    const snapshot = `'${running[0] ?? xmax}:${xmax}:${running.join(',')}'::pg_snapshot`;
    const lockRows = rows.flatMap((row, i) => {
      const vxid = `'${i + 3}/${i + 100}'`;
      const out: string[] = [];
      if (row.transactionIdRow !== false && row.xid)
        out.push(
          `('transactionid', 'ExclusiveLock', true, ${vxid}, '${BigInt(row.xid) % 2n ** 32n}'::xid, ${row.pid}, null::oid, null::oid, null::int2, null::oid)`,
        );
      if (row.appendLock)
        out.push(
          `('advisory', 'ShareLock', true, ${vxid}, null::xid, ${row.pid}, 2::oid, 0::oid, 2::int2, ${row.appendLock === 'here' ? databaseOid : 1}::oid)`,
        );
      return out;
    });
    lockRows.push(
      `('relation', 'AccessShareLock', true, '1/1', null::xid, 1, null::oid, null::oid, null::int2, null::oid)`,
    );
    const locks = `(select * from (values ${lockRows.join(', ')}) as picture(locktype, mode, granted,
      virtualtransaction, transactionid, pid, classid, objid, objsubid, database))`;
    const { rows: result } = await database.pool.query(horizonSql({ snapshot, locks }));
    return { ...toHorizon(result[0]), xmax };
  }

  test('an append-lock holder on the running list with no transactionid row yet holds the horizon at its id', async () => {
    const [inWindow, strangerA, strangerB] = open.map((transaction) => transaction.xid) as [
      string,
      string,
      string,
    ];
    const horizon = await horizonFor(
      [inWindow, strangerA, strangerB],
      [
        { xid: inWindow, appendLock: 'here', transactionIdRow: false, pid: 11 },
        { xid: strangerA, pid: 12 },
        { xid: strangerB, pid: 13 },
      ],
    );
    expect(horizon.below).toBe(inWindow);
    expect(horizon.heldBy?.transactionId).toBe(inWindow);
  });

  test('a running id with no lock row at all (just given out, or just ended) holds the horizon', async () => {
    const [unknown, stranger] = open.map((transaction) => transaction.xid) as [string, string];
    const horizon = await horizonFor([unknown, stranger], [{ xid: stranger, pid: 12 }]);
    expect(horizon.below).toBe(unknown);
  });

  test('a transaction shown with its id and no append lock is passed; the oldest appender is named', async () => {
    const [strangerA, strangerB, appender] = open.map((transaction) => transaction.xid) as [
      string,
      string,
      string,
    ];
    const horizon = await horizonFor(
      [strangerA, strangerB, appender],
      [
        { xid: strangerA, pid: 12 },
        { xid: strangerB, appendLock: 'elsewhere', pid: 13 },
        { xid: appender, appendLock: 'here', pid: 14 },
      ],
    );
    expect(horizon.below).toBe(appender);
    expect(horizon.heldBy).toEqual({ pid: 14, transactionId: appender, ageMs: null });
  });

  test('with only strangers running, the horizon is the snapshot’s xmax and nobody holds it', async () => {
    const ids = open.map((transaction) => transaction.xid);
    const horizon = await horizonFor(
      ids,
      ids.map((xid, i) => ({ xid, pid: 20 + i })),
    );
    expect(horizon.below).toBe(horizon.xmax);
    expect(horizon.heldBy).toBeUndefined();
  });

  test('a stranger that is no longer in progress is not passed on the strength of its old lock row', async () => {
    // Committing removes a transaction from the running set before it releases its locks.
    const [stranger] = open.map((transaction) => transaction.xid) as [string];
    const horizon = await horizonFor(
      [ended, stranger],
      [
        { xid: ended, pid: 12 },
        { xid: stranger, pid: 13 },
      ],
    );
    expect(horizon.below).toBe(ended);
  });
});
