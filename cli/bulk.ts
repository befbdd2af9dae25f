import { setTimeout as sleep } from 'node:timers/promises';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { CliError, encode, type ApiClient } from './client';
import { table, type Output } from './output';
import type { Context } from './context';
import { describeProgress, type BulkProgress } from './bulkDescribe';
import { throttleCommand, runOptionsQuery, runOptionFlags, type RunOptions } from './bulkPace';
import { revertCommand } from './bulkRevert';
import type { BulkAccepted, BulkTaskList } from '../engine/http/contract';

export type { BulkProgress } from './bulkDescribe';
import { duration } from './bulkDescribe';
export { duration };

type BulkTaskInfo = BulkTaskList['items'][number];

const finished = new Set(['completed', 'failed', 'cancelled']);

/** A task that ended badly is a failed command for a script: `--watch` exits 2 then. */
export const taskDidNotCompleteExitCode = 2;

/** `k=v` pairs typed by the task's parameter schema, so `--param limit=5` is a number and `reason=5` a string. */
export function paramsFrom(pairs: readonly string[], task: BulkTaskInfo): Record<string, unknown> {
  const properties = task.params.properties ?? {};
  const params: Record<string, unknown> = {};
  for (const pair of pairs) {
    const separator = pair.indexOf('=');
    if (separator <= 0) throw new CliError(`--param must be key=value, got '${pair}'`, 'BadParameter');
    const key = pair.slice(0, separator);
    const raw = pair.slice(separator + 1);
    const types = [properties[key]?.type ?? 'string'].flat();
    if (!properties[key] && Object.keys(properties).length > 0)
      throw new CliError(
        `${task.name} has no parameter '${key}'; it takes ${Object.keys(properties).join(', ')}`,
        'BadParameter',
      );
    if (types.includes('string')) params[key] = raw;
    else if (
      (types.includes('integer') || types.includes('number')) &&
      raw.trim() !== '' &&
      !isNaN(Number(raw))
    )
      params[key] = Number(raw);
    else if (types.includes('boolean') && (raw === 'true' || raw === 'false')) params[key] = raw === 'true';
    else params[key] = parseJson(raw) ?? raw;
  }
  return params;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** A cli-progress bar on stderr, started on the first progress that knows its total. */
function progressBar() {
  const bar = new SingleBar({
    format: ' {bar} {percentage}% | {value}/{total} items | {rate}/s | ETA {timeLeft} | {status}',
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: true,
    noTTYOutput: !process.stderr.isTTY,
    notTTYSchedule: 1000,
  });
  let started = false;
  return {
    draw(progress: BulkProgress, rate: number): void {
      const remaining = progress.total - progress.processed;
      // cli-progress's own ETA reads "NF" until it has a rate; this one says so in words.
      const timeLeft = remaining === 0 ? '0s' : rate > 0 ? duration(remaining / rate) : 'unknown';
      const payload = { rate, timeLeft, status: progress.status };
      if (!started) {
        bar.start(progress.total, progress.processed, payload);
        started = true;
      } else {
        bar.setTotal(progress.total);
        bar.update(progress.processed, payload);
      }
    },
    stop: () => bar.stop(),
  };
}

/**
 * Polls the task until it ends, drawing done / total, rate and ETA. The bar goes to stderr, so stdout
 * holds only the result; without a terminal it prints a line every few seconds instead of redrawing.
 */
export async function watchBulk(
  client: ApiClient,
  bulkId: string,
  output: Output,
  intervalMs: number,
): Promise<BulkProgress> {
  const bar = output.json ? undefined : progressBar();
  const startedAt = Date.now();
  let firstProcessed: number | undefined;
  let lastProcessed = 0;
  let lastChangeAt = startedAt;
  let unanswered = 0;
  for (;;) {
    let progress: BulkProgress;
    try {
      progress = await client.get<BulkProgress>(`/bulk/${encode(bulkId)}`);
      unanswered = 0;
    } catch (error) {
      // A worker restarting or a run continuing as new can leave the progress query unanswered a moment.
      const transient = error instanceof CliError && (error.status === 503 || error.code === 'Unreachable');
      if (!transient || ++unanswered > 20) {
        bar?.stop();
        throw error;
      }
      await sleep(intervalMs);
      continue;
    }
    firstProcessed ??= progress.processed;
    if (progress.processed !== lastProcessed) {
      lastProcessed = progress.processed;
      lastChangeAt = Date.now();
    }
    // Items per second while items were moving: a run waiting for its read model at the end keeps its rate.
    const seconds = (lastChangeAt - startedAt) / 1000;
    const rate = seconds > 0 ? Math.round((progress.processed - firstProcessed) / seconds) : 0;
    if (progress.total > 0) bar?.draw(progress, rate);
    if (finished.has(progress.status)) {
      bar?.stop();
      return progress;
    }
    await sleep(intervalMs);
  }
}

export async function finish(context: Context, progress: BulkProgress, watched: boolean): Promise<void> {
  context.output.result(progress, () => describeProgress(progress));
  if (watched && progress.status !== 'completed') {
    throw new CliError(
      `bulk task ${progress.bulkId} ended ${progress.status}${progress.failureReason ? `: ${progress.failureReason}` : ''}`,
      `Bulk${progress.status}`,
      undefined,
      taskDidNotCompleteExitCode,
    );
  }
}

export function registerBulkCommands(program: Command, contextOf: () => Context): void {
  const bulk = program
    .command('bulk')
    .description('bulk tasks: list, start, watch, pause, resume, cancel, throttle, revert');
  listCommand(bulk, contextOf);
  startCommand(bulk, contextOf);
  statusCommand(bulk, contextOf);
  controlCommands(bulk, contextOf);
  throttleCommand(bulk, contextOf);
  revertCommand(bulk, contextOf);
}

function listCommand(bulk: Command, contextOf: () => Context): void {
  bulk
    .command('list')
    .description('the bulk tasks this deployment runs, with their parameters')
    .action(async () => {
      const { client, output } = contextOf();
      const { items } = await client.get<BulkTaskList>('/bulk-tasks');
      output.result(items, () =>
        table([
          ['TASK', 'PARAMETERS', 'DESCRIPTION'],
          ...items.map((task) => [
            task.name,
            Object.keys(task.params.properties ?? {})
              .map((key) => ((task.params.required ?? []).includes(key) ? key : `${key}?`))
              .join(' ') || '-',
            task.title,
          ]),
        ]),
      );
    });
}

function startCommand(bulk: Command, contextOf: () => Context): void {
  const start = bulk
    .command('start <task>')
    .description('request a bulk task; with --watch, follow it to the end')
    .option('-p, --param <key=value>', 'a task parameter (repeatable)', collect, [])
    .option('--idempotency-key <key>', 'send again with the same key to get the same task, not a second one')
    .option(
      '-w, --watch',
      'draw a live progress bar until the task ends; exit 2 if it failed or was cancelled',
    )
    .option('--interval <ms>', 'how often --watch polls', '500');
  runOptionFlags(start).action((taskName: string, options: StartOptions) =>
    startTask(contextOf(), taskName, options),
  );
}

interface StartOptions extends RunOptions {
  param: string[];
  idempotencyKey?: string;
  watch?: boolean;
  interval: string;
}

/** Requests the task through its own route, with its parameters checked against its schema. */
async function startTask(context: Context, taskName: string, options: StartOptions): Promise<void> {
  const { client, output } = context;
  const { items } = await client.get<BulkTaskList>('/bulk-tasks');
  const task = items.find((each) => each.name === taskName);
  if (!task)
    throw new CliError(
      `There is no bulk task named '${taskName}'; there are: ${items.map((each) => each.name).join(', ')}`,
      'UnknownBulkTask',
    );
  const headers: Record<string, string> = options.idempotencyKey
    ? { 'idempotency-key': options.idempotencyKey }
    : {};
  const accepted = await client.post<BulkAccepted>(
    `${task.route}${runOptionsQuery(options)}`,
    paramsFrom(options.param, task),
    headers,
  );
  if (!options.watch) {
    output.result(accepted, () =>
      [
        `requested ${task.name} ${accepted.bulkId}`,
        `  workflow ${accepted.workflowId}${accepted.uiUrl ? `  ${accepted.uiUrl}` : ''}`,
        `  follow it: procession bulk status ${accepted.bulkId} --watch`,
      ].join('\n'),
    );
    return;
  }
  output.note(`requested ${task.name} ${accepted.bulkId}${accepted.uiUrl ? `  ${accepted.uiUrl}` : ''}`);
  await finish(context, await watchBulk(client, accepted.bulkId, output, intervalOf(options.interval)), true);
}

function statusCommand(bulk: Command, contextOf: () => Context): void {
  bulk
    .command('status <bulkId>')
    .description("a bulk task's progress; with --watch, follow it to the end")
    .option(
      '-w, --watch',
      'draw a live progress bar until the task ends; exit 2 if it failed or was cancelled',
    )
    .option('--interval <ms>', 'how often --watch polls', '500')
    .action(async (bulkId: string, options: { watch?: boolean; interval: string }) => {
      const context = contextOf();
      const progress = options.watch
        ? await watchBulk(context.client, bulkId, context.output, intervalOf(options.interval))
        : await context.client.get<BulkProgress>(`/bulk/${encode(bulkId)}`);
      await finish(context, progress, options.watch === true);
    });
}

/** pause, resume and cancel: each one POST and the progress it answers. */
function controlCommands(bulk: Command, contextOf: () => Context): void {
  for (const action of ['pause', 'resume', 'cancel'] as const) {
    bulk
      .command(`${action} <bulkId>`)
      .description(`${action} a running bulk task`)
      .action(async (bulkId: string) => {
        const context = contextOf();
        const progress = await context.client.post<BulkProgress>(`/bulk/${encode(bulkId)}/${action}`);
        context.output.result(progress, () => describeProgress(progress));
      });
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function intervalOf(text: string): number {
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 50 || ms > 60_000)
    throw new CliError('--interval must be a whole number of milliseconds from 50 to 60000', 'BadOption');
  return ms;
}
