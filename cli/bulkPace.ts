import type { Command } from 'commander';
import { CliError, encode } from './client';
import type { Context } from './context';
import { describeProgress, type BulkProgress } from './bulkDescribe';

export interface RunOptions {
  maxItemsPerSecond?: string;
  maxPagesInFlight?: string;
  runAt?: string;
}

/** The pace and start flags a request takes (`bulk start`, `bulk revert`). */
export function runOptionFlags(command: Command): Command {
  return command
    .option('--max-items-per-second <n>', 'the most items a second the run may change')
    .option('--max-pages-in-flight <n>', 'how many pages the run may apply at once')
    .option('--run-at <time>', 'start no earlier than this ISO time (cancel stops it before it starts)');
}

/** The flags as the request's query string; the API checks the values and says what is wrong. */
export function runOptionsQuery(options: RunOptions): string {
  const query = new URLSearchParams();
  if (options.maxItemsPerSecond !== undefined) query.set('maxItemsPerSecond', options.maxItemsPerSecond);
  if (options.maxPagesInFlight !== undefined) query.set('maxPagesInFlight', options.maxPagesInFlight);
  if (options.runAt !== undefined) query.set('runAt', options.runAt);
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}

/** `procession bulk throttle <bulkId>`: new limits for a run that is going; `none` lifts the rate limit. */
export function throttleCommand(bulk: Command, contextOf: () => Context): void {
  bulk
    .command('throttle <bulkId>')
    .description("change a running task's pace: --max-items-per-second <n|none>, --max-pages-in-flight <n>")
    .option('--max-items-per-second <n>', "items a second at most; 'none' lifts the limit")
    .option('--max-pages-in-flight <n>', 'pages applied at once')
    .action(async (bulkId: string, options: Omit<RunOptions, 'runAt'>) => {
      const body: Record<string, number | null> = {};
      if (options.maxItemsPerSecond !== undefined)
        body.maxItemsPerSecond =
          options.maxItemsPerSecond === 'none' ? null : Number(options.maxItemsPerSecond);
      if (options.maxPagesInFlight !== undefined) body.maxPagesInFlight = Number(options.maxPagesInFlight);
      if (Object.keys(body).length === 0)
        throw new CliError(
          'say what to change: --max-items-per-second and/or --max-pages-in-flight',
          'BadOption',
        );
      const context = contextOf();
      const progress = await context.client.post<BulkProgress>(`/bulk/${encode(bulkId)}/throttle`, body);
      context.output.result(progress, () => describeProgress(progress));
    });
}
