import type { Command } from 'commander';
import { CliError, encode } from './client';
import type { Context } from './context';
import { table } from './output';
import type { AsJson, StreamView as StreamWireView } from '../engine/http/contract';

type StreamView = AsJson<StreamWireView>;

function describeStream(view: StreamView, at: string): string {
  return [
    `${view.streamId} ${at}: version ${view.version}`,
    '',
    table([
      ['VERSION', 'POSITION', 'RECORDED', 'TYPE', 'SCHEMA', 'DATA'],
      ...view.events.map((event) => [
        String(event.streamVersion),
        event.globalPosition,
        event.recordedAt,
        event.type,
        // An event lifted on read says how the log holds it.
        event.storedAs
          ? `v${event.schemaVersion} (stored as ${event.storedAs.type === event.type ? '' : `${event.storedAs.type} `}v${event.storedAs.schemaVersion})`
          : `v${event.schemaVersion}`,
        JSON.stringify(event.data),
      ]),
    ]),
    '',
    `state at version ${view.version}:`,
    JSON.stringify(view.state, null, 2),
  ].join('\n');
}

export function registerStreamCommand(program: Command, contextOf: () => Context): void {
  program
    .command('stream <streamId>')
    .description("a stream's events and the state folded from them, now or at a version or time")
    .option('--at-version <n>', 'play back to this version')
    .option('--at-time <time>', 'play back to the events recorded at or before this ISO 8601 time')
    .action(async (streamId: string, options: { atVersion?: string; atTime?: string }) => {
      const { client, output } = contextOf();
      if (options.atVersion !== undefined && options.atTime !== undefined)
        throw new CliError('give --at-version or --at-time, not both', 'BadOption');
      const query = new URLSearchParams();
      if (options.atVersion !== undefined) query.set('upToVersion', options.atVersion);
      if (options.atTime !== undefined) {
        const time = new Date(options.atTime);
        if (isNaN(time.getTime()))
          throw new CliError(
            `--at-time '${options.atTime}' is not a date and time (try 2026-12-02T01:00:00Z)`,
            'BadOption',
          );
        query.set('upToTime', time.toISOString());
      }
      const suffix = query.size > 0 ? `?${query}` : '';
      const view = await client.get<StreamView>(`/streams/${encode(streamId)}${suffix}`);
      const at =
        options.atVersion !== undefined
          ? `at version ${options.atVersion}`
          : options.atTime !== undefined
            ? `at ${query.get('upToTime')}`
            : 'now';
      output.result(view, () => describeStream(view, at));
    });
}
