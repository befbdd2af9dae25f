import { randomUUID } from 'node:crypto';
import { createRegistry, defineAggregate, type Message } from '../../engine/aggregate';
import { handleCommandBatch } from '../../engine/commands/batchCommandHandler';
import { handleCommand } from '../../engine/commands/commandHandler';
import type { CommandEnvelope } from '../../engine/commands/commandEnvelope';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { commandMetadata, waitFor } from '../eventstore/helpers';

// A batch (a bulk page) writes in one statement built in SQL from the page's rows: event metadata from
// the envelope plus each event's ids, each command's result from what was appended. What it writes must be
// what the same commands write one by one, whatever the data holds, however many events a command decides,
// and at positions past 2^53; and a stream a stranger is writing when the batch writes is settled alone.

type AddMarks = Message<'AddMarks', { tallyId: string; count: number; note: string }>;
type MarkAdded = Message<'MarkAdded', { tallyId: string; note: string }>;

/** Decides as many events as the command asks for: none, one or several per command. */
const tallyAggregate = defineAggregate<AddMarks, MarkAdded, { marks: number }>({
  streamType: 'tally',
  commandTypes: { AddMarks: true },
  idOf: (data) => data.tallyId,
  initialState: { marks: 0 },
  evolve: (state) => ({ marks: state.marks + 1 }),
  decide: (command) =>
    Array.from({ length: command.data.count }, () => ({
      type: 'MarkAdded' as const,
      data: { tallyId: command.data.tallyId, note: command.data.note },
    })),
});
const tallies = createRegistry([tallyAggregate]);

const awkwardNote = `O'Brien said "\\n" is not a newline\n, ünïcødé ✓, 'quoted'; -- not a comment $$`;

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

function addMarks(count: number, overrides: Partial<CommandEnvelope> = {}): CommandEnvelope {
  return {
    commandId: randomUUID(),
    command: { type: 'AddMarks', data: { tallyId: randomUUID(), count, note: awkwardNote } },
    metadata: commandMetadata(),
    ...overrides,
  };
}

/** A command's stored events and record, with what is random (ids, positions) left as it is. */
async function written(commandId: string) {
  const events = await database.pool.query<{
    event_id: string;
    stream_version: number;
    position: string;
    data: unknown;
    metadata: Record<string, unknown>;
  }>(
    `select event_id, stream_version, global_position::text as position, data, metadata from events
      where metadata->>'commandId' = $1 order by global_position`,
    [commandId],
  );
  const record = await database.pool.query<{ command_type: string; result: Record<string, unknown> }>(
    'select command_type, result from processed_commands where command_id = $1',
    [commandId],
  );
  return { events: events.rows, record: record.rows[0] };
}

test('a batch writes what the same commands write one by one, at positions past 2^53', async () => {
  await database.pool.query('alter table events alter column global_position restart with 9007199254740993');
  const sharedMetadata = commandMetadata({ actor: 'bulk:test' });
  const batch = [
    addMarks(0),
    addMarks(1, { metadata: sharedMetadata }),
    addMarks(3, { metadata: sharedMetadata }),
    addMarks(2, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }),
  ];
  const alone = batch.map((item) => addMarks((item.command.data as AddMarks['data']).count));

  const outcomes = await handleCommandBatch(database.pool, tallies, batch);
  for (const item of alone) await handleCommand(database.pool, tallies, item);

  for (const [index, item] of batch.entries()) {
    const count = (item.command.data as AddMarks['data']).count;
    const mine = await written(item.commandId);
    const theirs = await written(alone[index]!.commandId);
    const outcome = outcomes[index]!;
    if (!outcome.ok) throw outcome.error;

    expect(mine.events.map((event) => event.stream_version)).toEqual(
      Array.from({ length: count }, (_, at) => at + 1),
    );
    for (const event of mine.events) {
      expect(BigInt(event.position)).toBeGreaterThan(2n ** 53n);
      expect(event.data).toEqual({
        tallyId: (item.command.data as AddMarks['data']).tallyId,
        note: awkwardNote,
      });
      expect(event.metadata).toEqual({
        ...item.metadata,
        eventId: event.event_id,
        commandId: item.commandId,
        commandType: 'AddMarks',
        ...(item.traceparent ? { traceparent: item.traceparent } : {}),
      });
    }
    // The same keys, filled the same way, as the single path's record.
    expect(Object.keys(mine.record!.result).sort()).toEqual(Object.keys(theirs.record!.result).sort());
    expect(mine.record).toEqual({
      command_type: 'AddMarks',
      result: {
        streamId: tallyAggregate.streamId((item.command.data as AddMarks['data']).tallyId),
        version: count,
        changed: count > 0,
        eventIds: mine.events.map((event) => event.event_id),
        position: mine.events.at(-1)?.position ?? null,
      },
    });
    expect(outcome.result).toEqual({ ...mine.record!.result, duplicate: false });
  }
});

test("a stream a stranger's open transaction is writing: the batch waits, then settles that command alone", async () => {
  const batch = [addMarks(1), addMarks(1), addMarks(1)];
  const contested = batch[1]!.command.data as AddMarks['data'];
  const stranger = await database.pool.connect();
  try {
    // The stranger appends the contested stream's first version and holds its transaction open.
    await stranger.query('begin');
    await stranger.query('select procession_begin_append()');
    await stranger.query(
      `insert into events (event_id, stream_id, stream_version, event_type, data, metadata)
       values ($1, $2, 1, 'MarkAdded', $3, $4)`,
      [
        randomUUID(),
        tallyAggregate.streamId(contested.tallyId),
        { tallyId: contested.tallyId, note: 'stranger' },
        {},
      ],
    );
    const running = handleCommandBatch(database.pool, tallies, batch);
    // The batch read the stream empty and now waits on the stranger's row in the unique index.
    await waitFor(
      'the batch to wait on the stranger',
      async () =>
        (
          await database.pool.query<{ waiting: number }>(
            `select count(*)::int as waiting from pg_stat_activity
              where datname = current_database() and wait_event_type = 'Lock' and query like '%jsonb_to_recordset%'`,
          )
        ).rows[0]!.waiting,
      (waiting) => waiting > 0,
    );
    await stranger.query('commit');
    const outcomes = await running;

    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    for (const item of batch) {
      const { events, record } = await written(item.commandId);
      expect(events).toHaveLength(1);
      expect(record!.result.eventIds).toEqual([events[0]!.event_id]);
    }
    // The contested command was decided again after the stranger's event: it is the stream's second.
    const contestedEvents = await written(batch[1]!.commandId);
    expect(contestedEvents.events[0]!.stream_version).toBe(2);
  } finally {
    stranger.release();
  }
});
