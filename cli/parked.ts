import type { Command } from 'commander';
import { encode } from './client';
import type { Context } from './context';
import { table } from './output';
import type { AsJson, ParkedEventList, ReplayRequested } from '../engine/http/contract';

export function registerParkedCommands(program: Command, contextOf: () => Context): void {
  const parked = program.command('parked').description('events the relay could not deliver');
  parked
    .command('list')
    .description('parked events with why they were parked')
    .option('--status <status>', 'parked, replay_requested or replayed')
    .option('--limit <n>', 'at most this many (1–500)', '100')
    .action(async (options: { status?: string; limit: string }) => {
      const { client, output } = contextOf();
      const query = new URLSearchParams({ limit: options.limit });
      if (options.status) query.set('status', options.status);
      const { items } = await client.get<AsJson<ParkedEventList>>(`/parked-events?${query}`);
      output.result(items, () =>
        items.length === 0
          ? 'no parked events'
          : table([
              ['EVENT', 'POSITION', 'TYPE', 'TRIGGER', 'STATUS', 'ATTEMPTS', 'PARKED AT', 'REASON'],
              ...items.map((item) => [
                item.eventId,
                item.globalPosition,
                item.eventType,
                item.triggerName,
                item.status,
                String(item.attempts),
                item.parkedAt,
                item.reason,
              ]),
            ]),
      );
    });
  parked
    .command('replay <eventId>')
    .description('ask the relay to deliver a parked event again')
    .action(async (eventId: string) => {
      const { client, output } = contextOf();
      const answer = await client.post<ReplayRequested>(`/parked-events/${encode(eventId)}/replay`);
      output.result(
        answer,
        () =>
          `replay requested for ${answer.eventId} (${answer.replayRequested} delivery); the relay carries it out`,
      );
    });
}
