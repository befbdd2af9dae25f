import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { shop, type DomainCommand } from '../../domain/registry';
import { CommandGroups } from '../../engine/commands/commandGroups';
import { handleCommand } from '../../engine/commands/commandHandler';
import { handleCommandBatch } from '../../engine/commands/batchCommandHandler';
import { IdempotencyKeyReusedError, type CommandResult } from '../../engine/commands/commandEnvelope';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { envelope } from '../eventstore/helpers';

// Group commit: commands that arrive while another is in flight are decided and committed together. Each
// must still be answered as if it had come alone; these tests hold it to that, and a jittered race with
// writers from outside the group hunts the paths that exist only under contention.

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

const receive = (sku: string, quantity = 1): DomainCommand => ({
  type: 'ReceiveStock',
  data: { sku, quantity },
});
const reserve = (sku: string, quantity: number): DomainCommand => ({
  type: 'ReserveStock',
  data: { sku, orderId: randomUUID(), quantity },
});
const newSku = () => `sku-${randomUUID()}`;

/** How many transactions wrote the events of these streams (each writing transaction has its own xmin). */
async function writingTransactions(streamIds: readonly string[]): Promise<number> {
  const result = await database.pool.query<{ count: string }>(
    'select count(distinct xmin::text) as count from events where stream_id = any($1::text[])',
    [streamIds],
  );
  return Number(result.rows[0]!.count);
}

test('concurrent commands share transactions, and each is answered with its own stream and events', async () => {
  const groups = new CommandGroups(database.pool, shop);
  const skus = Array.from({ length: 32 }, newSku);
  const results = await Promise.all(skus.map((sku) => groups.send(envelope(receive(sku)))));

  results.forEach((result, index) => {
    expect(result).toMatchObject({ streamId: `inventory-${skus[index]}`, version: 1, changed: true });
    expect(result.eventIds).toHaveLength(1);
  });
  const stored = await database.pool.query<{ event_id: string; stream_id: string; global_position: string }>(
    'select event_id, stream_id, global_position::text from events where event_id = any($1::uuid[])',
    [results.flatMap((result) => result.eventIds)],
  );
  expect(stored.rows).toHaveLength(32);
  for (const row of stored.rows) {
    const result = results.find((candidate) => candidate.eventIds[0] === row.event_id)!;
    expect(row.stream_id).toBe(result.streamId);
    expect(row.global_position).toBe(result.position);
  }
  // The first went alone; the 31 that came while it was in flight shared far fewer commits than 31.
  expect(await writingTransactions(results.map((result) => result.streamId))).toBeLessThanOrEqual(8);
  expect(groups.counts.grouped).toBeGreaterThanOrEqual(16);
});

test('a rejection, a reused key and a duplicate in a group are those commands’ outcomes only', async () => {
  const groups = new CommandGroups(database.pool, shop);
  const sku = newSku();
  const first = envelope(receive(sku, 5));
  await groups.send(first);

  const lone = groups.send(envelope(receive(newSku()))); // in flight, so the rest queue and go together
  const settled = await Promise.allSettled([
    groups.send(envelope(reserve(newSku(), 1))), // nothing there: rejected
    groups.send(envelope(receive(sku, 5), { commandId: first.commandId })), // the same command again
    groups.send(envelope(receive(sku, 6), { commandId: first.commandId })), // its key, another command
    groups.send(envelope(receive(newSku(), 2))),
    groups.send(envelope(reserve(sku, 5))),
  ]);
  await lone;

  const [rejected, duplicate, reused, accepted, reserved] = settled;
  expect(rejected).toMatchObject({ status: 'rejected', reason: { code: 'InsufficientStock' } });
  expect(duplicate).toMatchObject({ status: 'fulfilled', value: { duplicate: true, version: 1 } });
  expect(reused.status).toBe('rejected');
  expect((reused as PromiseRejectedResult).reason).toBeInstanceOf(IdempotencyKeyReusedError);
  expect(accepted).toMatchObject({ status: 'fulfilled', value: { changed: true, duplicate: false } });
  expect(reserved).toMatchObject({ status: 'fulfilled', value: { version: 2, duplicate: false } });
  expect(groups.counts.groups).toBeGreaterThanOrEqual(1);
});

test("one stream's commands are decided in the order they were sent, never two in one group", async () => {
  const groups = new CommandGroups(database.pool, shop);
  const sku = newSku();
  const others = Array.from({ length: 10 }, newSku);
  const results = await Promise.all([
    ...Array.from({ length: 15 }, (_, index) => groups.send(envelope(receive(sku, index + 1)))),
    ...others.map((other) => groups.send(envelope(receive(other)))),
  ]);
  expect(results.slice(0, 15).map((result) => result.version)).toEqual(
    Array.from({ length: 15 }, (_, i) => i + 1),
  );
  const quantities = await database.pool.query<{ quantity: number }>(
    "select (data->>'quantity')::int as quantity from events where stream_id = $1 order by stream_version",
    [`inventory-${sku}`],
  );
  expect(quantities.rows.map((row) => row.quantity)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
});

const rounds = Number(process.env.COMMAND_GROUP_RACE_ROUNDS ?? 30);

/**
 * One round: grouped reservations and receipts on a few skus, racing writers on the same skus that take no
 * writer lock (a bulk page's batch: the group's append then meets a moved stream) or do (a lone command),
 * and repeats of sent ids, some through a second process's groups (its transaction records the id first).
 */
async function raceRound(groups: CommandGroups, otherProcess: CommandGroups) {
  const skus = Array.from({ length: 6 }, newSku);
  await Promise.all(skus.map((sku) => handleCommand(database.pool, shop, envelope(receive(sku, 10)))));
  const jitter = () => delay(Math.floor(Math.random() * 3));
  const pick = () => skus[Math.floor(Math.random() * skus.length)]!;
  const sent = Array.from({ length: 30 }, () =>
    envelope(Math.random() < 0.7 ? reserve(pick(), 1 + Math.floor(Math.random() * 3)) : receive(pick(), 1)),
  );
  const settle = (answer: Promise<CommandResult>) => Promise.allSettled([answer]).then(([one]) => one!);
  const answers = new Map<string, Promise<PromiseSettledResult<CommandResult>>>();
  const repeats = new Map<string, Promise<PromiseSettledResult<CommandResult>>>();
  const outsiders: Array<Promise<unknown>> = [];
  for (const command of sent) {
    if (Math.random() < 0.3) await jitter();
    answers.set(command.commandId, settle(groups.send(command)));
    if (Math.random() < 0.2)
      repeats.set(
        command.commandId,
        settle((Math.random() < 0.5 ? groups : otherProcess).send({ ...command })),
      );
    const outsider = Math.random();
    if (outsider < 0.2)
      outsiders.push(
        handleCommandBatch(database.pool, shop, [envelope(reserve(pick(), 1))]).catch(() => undefined),
      );
    else if (outsider < 0.3)
      outsiders.push(handleCommand(database.pool, shop, envelope(reserve(pick(), 1))).catch(() => undefined));
  }
  await Promise.all(outsiders);
  return { skus, sent, answers, repeats };
}

test(`group commit under racing writers, ${rounds} jittered rounds: every answer is what the log holds`, async () => {
  const groups = new CommandGroups(database.pool, shop);
  const otherProcess = new CommandGroups(database.pool, shop);
  for (let round = 0; round < rounds; round++) {
    const { skus, sent, answers, repeats } = await raceRound(groups, otherProcess);
    for (const command of sent) {
      // A command and its repeat: exactly one of them took effect (unless the stock refused both); the
      // other answers that result as a duplicate. A rejection records nothing, so a repeat of a rejected
      // command is decided afresh and may be accepted.
      const both = [await answers.get(command.commandId)!, await repeats.get(command.commandId)];
      const recorded = await database.pool.query<{ result: Omit<CommandResult, 'duplicate'> }>(
        'select result from processed_commands where command_id = $1',
        [command.commandId],
      );
      for (const answer of both)
        if (answer?.status === 'rejected') expect(answer.reason).toMatchObject({ code: 'InsufficientStock' });
      const results = both.flatMap((answer) => (answer?.status === 'fulfilled' ? [answer.value] : []));
      if (results.length === 0) {
        expect(recorded.rows).toHaveLength(0);
        continue;
      }
      const fresh = results.filter((result) => !result.duplicate);
      expect(fresh).toHaveLength(1);
      for (const result of results)
        expect({ ...result, duplicate: undefined }).toEqual({ ...fresh[0], duplicate: undefined });
      // Answered as recorded, and the events it names are in its stream at the version it says.
      expect(recorded.rows[0]?.result).toEqual({ ...fresh[0], duplicate: undefined });
      const events = await database.pool.query<{ stream_version: number; command_id: string }>(
        "select stream_version, metadata->>'commandId' as command_id from events where event_id = any($1::uuid[])",
        [fresh[0]!.eventIds],
      );
      expect(events.rows.map((row) => row.command_id)).toEqual([command.commandId]);
      expect(events.rows[0]!.stream_version).toBe(fresh[0]!.version);
    }
    // Decided against its own stream: never more reserved than received, and versions without a gap.
    const streams = await database.pool.query<{ versions: number[]; available: number }>(
      `select array_agg(stream_version order by stream_version) as versions,
              sum(case event_type when 'StockReceived' then (data->>'quantity')::int
                                  when 'StockReserved' then -(data->>'quantity')::int else 0 end)::int as available
       from events where stream_id = any($1::text[]) group by stream_id`,
      [skus.map((sku) => `inventory-${sku}`)],
    );
    for (const stream of streams.rows) {
      expect(stream.available).toBeGreaterThanOrEqual(0);
      expect(stream.versions).toEqual(stream.versions.map((_, index) => index + 1));
    }
  }
  // The race met the paths it hunts: groups formed, and some of their commands had to settle alone.
  expect(groups.counts.groups).toBeGreaterThan(rounds);
  expect(groups.counts.settledAlone + otherProcess.counts.settledAlone).toBeGreaterThan(0);
}, 120_000);
