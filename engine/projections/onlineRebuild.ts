import type { Pool, PoolClient } from 'pg';
import { deleteCheckpoint, loadCheckpoint, saveCheckpoint } from '../eventstore/checkpoints';
import { quoteIdentifier } from '../eventstore/database';
import { readableLogHead } from '../eventstore/logHead';
import {
  countRebuildEvents,
  loadRebuild,
  markRebuild,
  rebuildLockSql,
  startRebuildRecord,
} from '../eventstore/readModelRebuilds';
import {
  dropSchema,
  prepareShadowSet,
  schemaExists,
  shadowMatchesLive,
  shadowSchemaNames,
  swapShadowSet,
  type ShadowSet,
} from '../eventstore/shadowTables';
import { LogSubscription } from '../eventstore/subscription';
import { inTransaction } from '../eventstore/transaction';
import { comparePositions, type LogPosition } from '../eventstore/types';
import type { Projection } from './projection';

export class RebuildAlreadyRunning extends Error {
  constructor(readonly readModel: string) {
    super(`An online rebuild of the ${readModel} read model is already running`);
  }
}

export interface OnlineRebuildOptions {
  /** Told after each stretch of batches while the shadow set catches up. */
  onProgress?(progress: { position: string; head: string }): void;
  log?(message: string): void;
  /** How long the swap may wait for a table lock (a stranger's long transaction) before it tries again. */
  swapLockTimeoutMs?: number;
}

export interface OnlineRebuildResult {
  /** Picked up the shadow set of an interrupted rebuild instead of starting over. */
  resumed: boolean;
  eventsApplied: number;
  swapAttempts: number;
}

/**
 * Blue/green rebuild: fills a second set of the projection's tables from position 0 while the live set
 * keeps serving and keeps being updated, then swaps them in one transaction and drops the old set.
 *
 * The swap holds the live projection's checkpoint row, so the live runner stops between batches; lets the
 * shadow set catch up past the live checkpoint; moves the tables; and gives the live checkpoint the shadow's
 * position. A reader that saw the live checkpoint at P before the commit reads, after it, tables that hold
 * at least P: read-your-writes holds across the swap. A live batch blocked on the row finds the checkpoint
 * moved and reads again from it, onto the new tables.
 */
export async function rebuildOnline(
  pool: Pool,
  projection: Projection,
  options: OnlineRebuildOptions = {},
): Promise<OnlineRebuildResult> {
  return (await startOnlineRebuild(pool, projection, options)).finished;
}

/**
 * Takes the read model's rebuild lock (one rebuild at a time, across processes; RebuildAlreadyRunning
 * when another holds it), then rebuilds in the background: `finished` settles when it is done or failed.
 */
export async function startOnlineRebuild(
  pool: Pool,
  projection: Projection,
  options: OnlineRebuildOptions = {},
): Promise<{ finished: Promise<OnlineRebuildResult> }> {
  const log = options.log ?? (() => {});
  const lock = await pool.connect();
  let locked = false;
  try {
    const { rows } = await lock.query<{ locked: boolean }>(rebuildLockSql.take, [projection.name]);
    locked = rows[0]!.locked;
  } finally {
    if (!locked) lock.release();
  }
  if (!locked) throw new RebuildAlreadyRunning(projection.name);
  const unlock = async () => {
    // Ending the session would release it too; a connection that cannot unlock is dropped instead.
    const unlocked = await lock.query(rebuildLockSql.release, [projection.name]).then(
      () => undefined,
      (error: Error) => error,
    );
    lock.release(unlocked);
  };
  let begun: Begun;
  try {
    begun = await beginRebuild(pool, projection, log);
  } catch (error) {
    await markRebuild(pool, projection.name, 'failed', (error as Error).message).catch(() => {});
    await unlock();
    throw error;
  }
  const finished = (async () => {
    try {
      return await rebuildHoldingLock(pool, projection, begun, options, log);
    } catch (error) {
      await markRebuild(pool, projection.name, 'failed', (error as Error).message).catch(() => {});
      throw error;
    } finally {
      await unlock();
    }
  })();
  return { finished };
}

interface Begun {
  resumed: boolean;
  set: ShadowSet;
  shadowId: string;
}

/** Starts over, or picks up an interrupted rebuild's shadow set; the record says which from here on. */
async function beginRebuild(
  pool: Pool,
  projection: Projection,
  log: (message: string) => void,
): Promise<Begun> {
  const names = shadowSchemaNames(projection.name);
  const shadowId = `${projection.subscriptionId}:rebuild`;
  const previous = await loadRebuild(pool, projection.name);
  const resumed =
    (previous?.phase === 'building' || previous?.phase === 'swapping') &&
    (await schemaExists(pool, names.schema)) &&
    // A read model migrated since would be swapped in without its new columns: start over then.
    (await shadowMatchesLive(pool, names.schema, projection.tables));
  if (!resumed) {
    await dropSchema(pool, names.retiredSchema);
    await dropSchema(pool, names.schema);
    await deleteCheckpoint(pool, shadowId);
    await startRebuildRecord(pool, projection.name);
  }
  log(
    `${projection.name}: ${resumed ? 'resuming the' : 'building a'} second set of tables in ${names.schema}`,
  );
  const set = await prepareShadowSet(pool, projection.name, projection.tables);
  return { resumed, set, shadowId };
}

async function rebuildHoldingLock(
  pool: Pool,
  projection: Projection,
  { resumed, set, shadowId }: Begun,
  options: OnlineRebuildOptions,
  log: (message: string) => void,
): Promise<OnlineRebuildResult> {
  const searchPath = (await pool.query<{ search_path: string }>('show search_path')).rows[0]!.search_path;
  let eventsApplied = 0;
  const shadow = new LogSubscription(pool, {
    subscriptionId: shadowId,
    transactional: true,
    withoutMetadata: true,
    eventTypes: projection.eventTypes,
    batchSize: projection.batchSize,
    handleBatch: async (events, client) => {
      // The projection's own SQL, unchanged, finds the shadow tables first.
      await client!.query(`set local search_path to ${quoteIdentifier(set.schema)}, ${searchPath}`);
      await projection.apply(client!, events);
      await countRebuildEvents(client!, projection.name, events.length);
    },
    onBatchDone: (events) => (eventsApplied += events.length),
  });

  await catchUpNearHead(pool, shadow, shadowId, projection.batchSize, options.onProgress);
  await markRebuild(pool, projection.name, 'swapping');
  const swapAttempts = await swapWhenLocksAllow(options.swapLockTimeoutMs ?? 5_000, log, (client) =>
    swapIn(client, pool, shadow, shadowId, projection, set),
  );
  // Left behind by a failure here, they are dropped when the next rebuild starts.
  await dropSchema(pool, set.retiredSchema);
  await dropSchema(pool, set.schema);
  log(`${projection.name}: swapped in; the old tables are dropped`);
  return { resumed, eventsApplied, swapAttempts };

  async function swapWhenLocksAllow(
    lockTimeoutMs: number,
    say: (message: string) => void,
    swap: (client: PoolClient) => Promise<void>,
  ): Promise<number> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await inTransaction(pool, async (client) => {
          // A reader or a stranger holding a table would otherwise queue every later reader behind the swap.
          await client.query(`set local lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`);
          await swap(client);
        });
        return attempt;
      } catch (error) {
        if ((error as { code?: string }).code !== '55P03') throw error;
        say(
          `${projection.name}: the swap waited ${lockTimeoutMs} ms for a lock; trying again (attempt ${attempt})`,
        );
        await catchUpNearHead(pool, shadow, shadowId, projection.batchSize, options.onProgress);
      }
    }
  }
}

/** Catches the shadow set up until it is within a batch of the readable head. */
async function catchUpNearHead(
  pool: Pool,
  shadow: LogSubscription,
  shadowId: string,
  batchSize: number,
  onProgress: OnlineRebuildOptions['onProgress'],
): Promise<void> {
  for (;;) {
    await shadow.catchUp(20);
    const [at, head] = await Promise.all([loadCheckpoint(pool, shadowId), readableLogHead(pool)]);
    onProgress?.({ position: at.globalPosition, head: head?.globalPosition ?? '0' });
    if (!head || BigInt(head.globalPosition) - BigInt(at.globalPosition) <= BigInt(batchSize)) return;
  }
}

async function swapIn(
  client: PoolClient,
  pool: Pool,
  shadow: LogSubscription,
  shadowId: string,
  projection: Projection,
  set: ShadowSet,
): Promise<void> {
  const live = await lockLiveCheckpoint(client, projection.subscriptionId);
  // The live runner is held between batches now; the shadow set, on other connections, passes it.
  let at = await loadCheckpoint(pool, shadowId);
  while (comparePositions(at, live) < 0) {
    await shadow.catchUp(5);
    at = await loadCheckpoint(pool, shadowId);
  }
  await swapShadowSet(client, set);
  await saveCheckpoint(client, projection.subscriptionId, at);
  await deleteCheckpoint(client, shadowId);
  await markRebuild(client, projection.name, 'done');
}

async function lockLiveCheckpoint(client: PoolClient, subscriptionId: string): Promise<LogPosition> {
  await client.query(
    `insert into checkpoints (subscription_id, transaction_id, global_position) values ($1, '0'::xid8, 0)
     on conflict (subscription_id) do nothing`,
    [subscriptionId],
  );
  const { rows } = await client.query<{ transaction_text: string; position_text: string }>(
    `select transaction_id::text as transaction_text, global_position::text as position_text
     from checkpoints where subscription_id = $1 for update`,
    [subscriptionId],
  );
  return { transactionId: rows[0]!.transaction_text, globalPosition: rows[0]!.position_text };
}
