import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Pool, PoolClient } from 'pg';
import type { DomainCommand } from '../../domain/registry';
import type { NewEvent } from '../../engine/eventstore/append';
import type { CommandEnvelope } from '../../engine/commands/commandEnvelope';
import type { CommandMetadata, LogPosition, Queryable } from '../../engine/eventstore/types';

export function commandMetadata(overrides: Partial<CommandMetadata> = {}): CommandMetadata {
  return { correlationId: randomUUID(), causationId: randomUUID(), actor: 'test:eventstore', ...overrides };
}

/** A command with a fresh command id unless one is given. */
export function envelope(
  command: DomainCommand,
  options: { commandId?: string; metadata?: Partial<CommandMetadata> } = {},
): CommandEnvelope {
  return {
    commandId: options.commandId ?? randomUUID(),
    command,
    metadata: commandMetadata(options.metadata),
  };
}

/** An event to hand straight to appendToStream (bypassing deciders). */
export function newEvent(type: string, data: unknown): NewEvent {
  return {
    type,
    data,
    metadata: {
      ...commandMetadata(),
      eventId: randomUUID(),
      commandId: randomUUID(),
      commandType: 'Test',
    },
  };
}

/** Polls `probe` until `done` holds (bounded), returning the last value; never a timing assertion. */
export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last value: ${String(value)}`);
    }
    await delay(20);
  }
}

export async function backendPid(client: PoolClient): Promise<number> {
  const result = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
  return result.rows[0]!.pid;
}

/** Waits until the backend is blocked on a lock held by another transaction. */
export function waitUntilBlockedOnLock(pool: Pool, pid: number): Promise<string | null> {
  return waitFor(
    `backend ${pid} to wait on a lock`,
    async () => {
      const result = await pool.query<{ wait_event_type: string | null }>(
        'select wait_event_type from pg_stat_activity where pid = $1',
        [pid],
      );
      return result.rows[0]?.wait_event_type ?? null;
    },
    (waitEventType) => waitEventType === 'Lock',
  );
}

export async function countEvents(db: Queryable, streamId?: string): Promise<number> {
  const result = await db.query<{ count: string }>(
    'select count(*) from events where $1::text is null or stream_id = $1',
    [streamId ?? null],
  );
  return Number(result.rows[0]!.count);
}

/** Begins a transaction on its own pooled connection; the caller commits or rolls back and releases. */
export async function beginOn(pool: Pool): Promise<PoolClient> {
  const client = await pool.connect();
  await client.query('begin');
  return client;
}

/** Rolls back (if still open) and releases, for finally blocks. */
export async function finish(client: PoolClient): Promise<void> {
  await client.query('rollback').catch(() => {});
  client.release();
}

/** The last event in read order, whatever the horizon says (position 0/0 on an empty log). */
export async function lastLogPosition(db: Queryable): Promise<LogPosition> {
  const { rows } = await db.query<{ transactionId: string; globalPosition: string }>(
    `select transaction_id::text as "transactionId", global_position::text as "globalPosition" from events
     order by transaction_id desc, global_position desc limit 1`,
  );
  return rows[0] ?? { transactionId: '0', globalPosition: '0' };
}
