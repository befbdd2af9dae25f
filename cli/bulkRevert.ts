import type { Command } from 'commander';
import { encode } from './client';
import type { Context } from './context';
import { finish, intervalOf, watchBulk } from './bulk';
import { runOptionFlags, runOptionsQuery, type RunOptions } from './bulkPace';
import type { AsJson, BulkRevertAccepted } from '../engine/http/contract';

interface RevertPreview {
  reverts: string;
  count: number;
  sample: Array<{ itemId: string; command: unknown; failed?: string }>;
  conflicts: number;
  conflictSample: Array<{ itemId: string; reason: string }>;
}

interface RevertOptions extends RunOptions {
  dryRun?: boolean;
  idempotencyKey?: string;
  watch?: boolean;
  interval: string;
}

/** `procession bulk revert <bulkId>`: the preview with --dry-run, otherwise the revert run requested (and followed). */
export function revertCommand(bulk: Command, contextOf: () => Context): void {
  const revert = bulk
    .command('revert <bulkId>')
    .description("undo a finished bulk task's changes; --dry-run shows how many, a sample and the conflicts")
    .option('--dry-run', 'preview the revert: nothing is written')
    .option('--idempotency-key <key>', 'send again with the same key to get the same revert, not an error')
    .option('-w, --watch', 'follow the revert run to its end; exit 2 if it failed or was cancelled')
    .option('--interval <ms>', 'how often --watch polls', '500');
  runOptionFlags(revert).action(async (bulkId: string, options: RevertOptions) => {
    const context = contextOf();
    const { client, output } = context;
    const path = `/bulk/${encode(bulkId)}/revert`;
    if (options.dryRun) {
      const preview = await client.post<RevertPreview>(`${path}?dryRun=true`);
      output.result(preview, () => describePreview(preview));
      return;
    }
    const headers: Record<string, string> = options.idempotencyKey
      ? { 'idempotency-key': options.idempotencyKey }
      : {};
    const accepted = await client.post<AsJson<BulkRevertAccepted>>(
      `${path}${runOptionsQuery(options)}`,
      undefined,
      headers,
    );
    if (!options.watch) {
      output.result(accepted, () =>
        [
          `requested revert ${accepted.bulkId} of ${bulkId}`,
          `  workflow ${accepted.workflowId}${accepted.uiUrl ? `  ${accepted.uiUrl}` : ''}`,
          `  follow it: procession bulk status ${accepted.bulkId} --watch`,
        ].join('\n'),
      );
      return;
    }
    output.note(`requested revert ${accepted.bulkId} of ${bulkId}`);
    await finish(
      context,
      await watchBulk(client, accepted.bulkId, output, intervalOf(options.interval)),
      true,
    );
  });
}

function describePreview(preview: RevertPreview): string {
  const lines = [
    `reverting ${preview.reverts} would change back ${preview.count} items and leave ${preview.conflicts} alone (changed since)`,
  ];
  for (const item of preview.sample.slice(0, 5))
    lines.push(`  ${item.itemId}: ${item.failed ? `cannot: ${item.failed}` : JSON.stringify(item.command)}`);
  for (const conflict of preview.conflictSample.slice(0, 5))
    lines.push(`  conflict ${conflict.itemId}: ${conflict.reason}`);
  return lines.join('\n');
}
