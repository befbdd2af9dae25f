import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, Pool, type PoolClient } from 'pg';
import { appendToStream } from '../../engine/eventstore/append';
import { takeAppendLock } from '../../engine/eventstore/appendLock';
import { connectionConfig } from '../../engine/eventstore/database';
import { logStart, positionOf, type LogPosition } from '../../engine/eventstore/types';
import { newEvent } from '../eventstore/helpers';
import { appendProcedure, strangerProcedure } from './horizonStressProcedures';
import {
  rawReader,
  readerOutcome,
  readersCaughtUp,
  subscriptionReader,
  type Reader,
} from './horizonStressReaders';

/**
 * A hunt for skipped events. Appenders in short transactions of every shape (single and batch inserts,
 * the append lock taken first or left to the trigger, savepoints rolled back or kept, a few milliseconds
 * held open, some transactions rolled back), writers of another table committing as fast as they can
 * (they push a snapshot's xmax past an append in flight), a stranger's transaction open throughout, and
 * readers that checkpoint as the relay and the projections do. At the end every reader must have read
 * every committed event exactly once, and nothing else.
 *
 * Most of the load runs inside PostgreSQL, as procedures that commit in a loop: driven from one Node.js
 * process it would be paced by that process, and the window a reader can slip through is open only while
 * a backend is descheduled at the wrong instruction, which needs backends, not JavaScript, to be busy.
 * A few appenders go through the engine's own appendToStream from Node.js as well.
 */
export interface HorizonStressOptions {
  databaseUrl: string;
  pool: Pool;
  seconds: number;
  /** Appenders running as server-side procedures (4: few enough that often none older is in flight). */
  serverAppenders?: number;
  /** Appenders using the engine's appendToStream from this process, paced (2). */
  engineAppenders?: number;
  strangers?: number;
  /** Seconds of back-to-back appends, then of appends that pause up to 3 ms, in turn (3 and 1). */
  briskSeconds?: number;
  dawdleSeconds?: number;
  /** Plain readLogAfter loops with random batch sizes, beside a relay-like and a projection-like subscription. */
  rawReaders?: number;
  log?: (line: string) => void;
}

export interface ReaderOutcome {
  name: string;
  read: number;
  /** Committed events this reader never read, though it read to the end of the log. */
  missing: string[];
  duplicates: string[];
  /** Events it read that are not in the log: rolled back, or never written. */
  phantoms: string[];
}

export interface HorizonStressReport {
  seconds: number;
  committedEvents: number;
  /** Events written and then rolled back, with their transaction or their savepoint. */
  rolledBackEvents: number;
  strangerCommits: number;
  readers: ReaderOutcome[];
}

const pick = <T>(options: readonly T[]): T => options[Math.floor(Math.random() * options.length)]!;
const chance = (p: number) => Math.random() < p;

async function connect(url: string): Promise<Client> {
  const client = new Client(connectionConfig(url));
  client.on('error', () => {});
  await client.connect();
  return client;
}

async function inSession<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = await connect(url);
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Appends through the engine's appendToStream until told to stop; returns the rolled-back event ids. */
async function engineAppendLoop(client: PoolClient, running: () => boolean): Promise<string[]> {
  const rolledBack: string[] = [];
  if (chance(0.5)) await client.query('set synchronous_commit = off');
  while (running()) {
    const written: string[] = [];
    await client.query('begin');
    let lockHeld = chance(0.5);
    if (lockHeld) await client.query(takeAppendLock);
    for (let step = 1 + Math.floor(Math.random() * 3); step > 0; step--) {
      const events = Array.from({ length: pick([1, 1, 1, 2, 5]) }, () => newEvent('Stressed', {}));
      // A savepoint needs the lock held outside it: rolled back, it would release a lock taken inside.
      const savepoint = lockHeld && chance(0.3);
      if (savepoint) await client.query('savepoint step');
      await appendToStream(client, `stress-${randomUUID()}`, 0, events);
      const ids = events.map((event) => event.metadata.eventId);
      if (savepoint && chance(0.3)) {
        await client.query('rollback to savepoint step');
        rolledBack.push(...ids);
      } else {
        written.push(...ids);
      }
      lockHeld = true;
      if (chance(0.3)) await delay(Math.random() * 3);
    }
    if (chance(0.05)) {
      await client.query('rollback');
      rolledBack.push(...written);
    } else {
      await client.query('commit');
    }
  }
  return rolledBack;
}

async function committedLog(pool: Pool): Promise<{ ids: Set<string>; end: LogPosition }> {
  const { rows } = await pool.query<{ eventId: string; transactionId: string; globalPosition: string }>(
    `select event_id::text as "eventId", transaction_id::text as "transactionId",
            global_position::text as "globalPosition"
     from events order by transaction_id, global_position`,
  );
  const last = rows.at(-1);
  return { ids: new Set(rows.map((row) => row.eventId)), end: last ? positionOf(last) : logStart };
}

export async function runHorizonStress(options: HorizonStressOptions): Promise<HorizonStressReport> {
  const { databaseUrl, pool } = options;
  const log = options.log ?? (() => {});
  await pool.query(
    'create table if not exists stress_scratch (id bigserial primary key, written_at timestamptz)',
  );
  await pool.query(appendProcedure);
  await pool.query(strangerProcedure);

  // A stranger's transaction open all along: a reader bounded by pg_snapshot_xmin would stall behind it.
  const longStranger = await connect(databaseUrl);
  await longStranger.query('begin');
  await longStranger.query('insert into stress_scratch (written_at) values (now())');

  let writing = true;
  let reading = true;
  const readers: Reader[] = [
    subscriptionReader(pool, 'relay-like', false),
    subscriptionReader(pool, 'projection-like', true),
    ...Array.from({ length: options.rawReaders ?? 3 }, (_, index) =>
      rawReader(pool, `reader-${index + 1}`, () => reading),
    ),
  ];
  const writers = startWriters(options, () => writing);
  const started = Date.now();
  const progress = setInterval(
    () =>
      log(
        `${Math.round((Date.now() - started) / 1000)} s: ` +
          readers.map((reader) => `${reader.name} ${reader.seen.size}`).join(', '),
      ),
    10_000,
  );
  try {
    const rolledBackInServer = (await Promise.all(writers.serverAppenders)).reduce((sum, n) => sum + n, 0);
    writing = false;
    const rolledBack = (await Promise.all(writers.engineAppenders)).flat();
    const strangerCommits = (await Promise.all(writers.strangers)).reduce((sum, count) => sum + count, 0);
    await longStranger.query('rollback');

    // Caught up means at or past the last committed event in read order; a skipped event stays missing.
    const log_ = await committedLog(pool);
    await readersCaughtUp(readers, log_.end);
    reading = false;
    await Promise.all(readers.map((reader) => reader.stop()));

    return {
      seconds: (Date.now() - started) / 1000,
      committedEvents: log_.ids.size,
      rolledBackEvents: rolledBack.length + rolledBackInServer,
      strangerCommits,
      readers: readers.map((reader) => readerOutcome(reader, log_.ids)),
    };
  } finally {
    clearInterval(progress);
    writing = false;
    reading = false;
    await Promise.allSettled([
      ...writers.serverAppenders,
      ...writers.strangers,
      ...writers.engineAppenders,
      ...readers.map((reader) => reader.stop()),
    ]);
    await longStranger.end().catch(() => {});
    await writers.enginePool.end().catch(() => {});
  }
}

/** The server-side appenders, the strangers and the engine's own appenders, all until the deadline. */
function startWriters(options: HorizonStressOptions, writing: () => boolean) {
  const { databaseUrl } = options;
  const deadline = new Date(Date.now() + options.seconds * 1000).toISOString();
  const serverAppenders = Array.from({ length: options.serverAppenders ?? 4 }, (_, index) =>
    inSession(databaseUrl, (client) =>
      client
        .query<{ rolled_back: string }>('call stress_append($1::timestamptz, $2, $3, $4, 0)', [
          deadline,
          index % 2 === 0,
          options.briskSeconds ?? 3,
          options.dawdleSeconds ?? 1,
        ])
        .then(({ rows }) => Number(rows[0]!.rolled_back)),
    ),
  );
  const strangers = Array.from({ length: options.strangers ?? 6 }, () =>
    inSession(databaseUrl, async (client) => {
      const { rows } = await client.query<{ commits: string }>('call stress_stranger($1::timestamptz, 0)', [
        deadline,
      ]);
      return Number(rows[0]!.commits);
    }),
  );
  const enginePool = new Pool({ ...connectionConfig(databaseUrl), max: options.engineAppenders ?? 2 });
  enginePool.on('error', () => {});
  const engineAppenders = Array.from({ length: options.engineAppenders ?? 2 }, async () => {
    const client = await enginePool.connect();
    try {
      return await engineAppendLoop(client, writing);
    } finally {
      client.release(true);
    }
  });

  return { serverAppenders, strangers, engineAppenders, enginePool };
}
