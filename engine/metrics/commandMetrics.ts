import { Counter, Histogram } from 'prom-client';
import { isDomainError } from '../aggregate/errors';
import type { AggregateRegistry } from '../aggregate/registry';
import { IdempotencyKeyReusedError } from '../commands/commandEnvelope';
import { processRegistry } from './processRegistry';

/**
 * accepted: decided and recorded (whether or not it appended events); duplicate: its command id was seen
 * before and the first result was returned; rejected: a decider's business rule or unknown aggregate, or
 * an idempotency key reused for another command; error: anything else (a transient failure, the
 * database, concurrency conflicts past the retries).
 */
export type CommandOutcome = 'accepted' | 'duplicate' | 'rejected' | 'error';

const commandsHandled = new Counter({
  name: 'procession_commands_total',
  help: 'Commands handled by this process, by command type and outcome',
  labelNames: ['command', 'outcome'] as const,
  registers: [processRegistry],
});

const commandSeconds = new Histogram({
  name: 'procession_command_duration_seconds',
  help: 'Time to handle one command (load, decide, append, commit), by command type and outcome',
  labelNames: ['command', 'outcome'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [processRegistry],
});

const batchSeconds = new Histogram({
  name: 'procession_command_batch_duration_seconds',
  help: 'Time to handle one batch of commands (a bulk task page); its commands are counted one by one',
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [processRegistry],
});

const eventsAppended = new Counter({
  name: 'procession_events_appended_total',
  help: 'Events this process appended and committed, by event type',
  labelNames: ['event_type'] as const,
  registers: [processRegistry],
});

export function outcomeOfFailure(error: unknown): 'rejected' | 'error' {
  if (error instanceof IdempotencyKeyReusedError) return 'rejected';
  return isDomainError(error) && error.kind !== 'transient' ? 'rejected' : 'error';
}

/** A type no aggregate handles is counted under one label, so a caller cannot mint label values. */
export function commandLabel(registry: AggregateRegistry, type: string): string {
  return registry.isCommandType(type) ? type : 'unknown';
}

export function countCommand(command: string, outcome: CommandOutcome, seconds?: number): void {
  commandsHandled.inc({ command, outcome });
  if (seconds !== undefined) commandSeconds.observe({ command, outcome }, seconds);
}

export function timeCommandBatch(seconds: number): void {
  batchSeconds.observe(seconds);
}

/** Called after the commit: an append that rolled back is not counted. */
export function countAppended(eventTypes: Iterable<string>): void {
  for (const type of eventTypes) eventsAppended.inc({ event_type: type });
}

export const secondsSince = (startedNs: bigint) => Number(process.hrtime.bigint() - startedNs) / 1e9;
