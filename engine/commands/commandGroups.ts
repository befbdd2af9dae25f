import type { Pool } from 'pg';
import type { AggregateRegistry } from '../aggregate/registry';
import { commandLabel, countCommand, outcomeOfFailure, secondsSince } from '../metrics/commandMetrics';
import { activeTraceparent } from '../telemetry/traceparent';
import type { CommandEnvelope, CommandResult } from './commandEnvelope';
import { handleCommand } from './commandHandler';
import { handleCommandGroup } from './groupCommandHandler';

interface Waiting {
  envelope: CommandEnvelope;
  streamId: string;
  sent: bigint;
  resolve(result: CommandResult): void;
  reject(error: unknown): void;
}

export interface CommandGroupOptions {
  /** Most commands one transaction decides and commits. */
  maxGroupSize?: number;
  /**
   * A group still running after this long stops holding the others back (it may be waiting on a lock a
   * stranger's transaction holds): the next group starts beside it instead of queueing behind it.
   */
  holdBackMs?: number;
}

/**
 * Group commit for the commands one process receives. A command that finds no group in flight goes alone
 * and at once through handleCommand, so an idle server adds no wait. Commands that arrive while a group is
 * in flight queue, and go together when it ends: one transaction, in the two round trips one command
 * takes, decides and appends them all (handleCommandGroup), so concurrent clients share one commit and its
 * fsync instead of one each.
 *
 * Each command is still decided against its own stream, under its own command id, and answered alone: a
 * rejection, a reused key or a duplicate is that command's outcome only; if the group's transaction fails
 * (a stream moved by a writer that takes no writer lock, a command id recorded meanwhile, the database),
 * every command it would have written is handled alone, so a neighbour's failure never becomes its own. Two commands for one stream never share a
 * group: the later waits for the next one, so they are decided in the order they came.
 */
export class CommandGroups {
  private readonly waiting: Waiting[] = [];
  /** Groups in flight that still hold the queue back (see holdBackMs). */
  private holding = 0;
  /** Streams with a command in flight: a later command for one waits, so a stream's commands keep their order. */
  private readonly streamsInFlight = new Set<string>();
  /** What grouping did, for tests and metrics: groups of two or more, the commands in them, those settled alone. */
  readonly counts = { groups: 0, grouped: 0, settledAlone: 0 };
  private readonly maxGroupSize: number;
  private readonly holdBackMs: number;

  constructor(
    private readonly pool: Pool,
    private readonly registry: AggregateRegistry,
    options: CommandGroupOptions = {},
  ) {
    this.maxGroupSize = options.maxGroupSize ?? 64;
    this.holdBackMs = options.holdBackMs ?? 50;
  }

  send(envelope: CommandEnvelope): Promise<CommandResult> {
    let streamId: string;
    try {
      streamId = this.registry.streamIdFor(envelope.command);
    } catch {
      // No aggregate takes it: the single path refuses it with its own error and counts it.
      return handleCommand(this.pool, this.registry, envelope);
    }
    const traced =
      envelope.traceparent === undefined ? { ...envelope, traceparent: activeTraceparent() } : envelope;
    return new Promise((resolve, reject) => {
      this.waiting.push({ envelope: traced, streamId, sent: process.hrtime.bigint(), resolve, reject });
      this.startNext();
    });
  }

  private startNext(): void {
    if (this.holding > 0 || this.waiting.length === 0) return;
    const group = this.takeGroup();
    if (group.length === 0) return; // every waiting command's stream is in flight: its end starts the next
    this.holding++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.holding--;
      this.startNext();
    };
    const slow = setTimeout(release, this.holdBackMs);
    void this.settle(group).finally(() => {
      clearTimeout(slow);
      for (const item of group) this.streamsInFlight.delete(item.streamId);
      if (released) this.startNext();
      else release();
    });
  }

  /**
   * The oldest waiting commands, at most one per stream and none for a stream in flight; the rest keep
   * their place in the queue.
   */
  private takeGroup(): Waiting[] {
    const group: Waiting[] = [];
    const left: Waiting[] = [];
    const passed = new Set<string>();
    for (const item of this.waiting) {
      const free = !this.streamsInFlight.has(item.streamId) && !passed.has(item.streamId);
      if (free && group.length < this.maxGroupSize) {
        group.push(item);
        this.streamsInFlight.add(item.streamId);
      } else left.push(item);
      passed.add(item.streamId);
    }
    this.waiting.splice(0, this.waiting.length, ...left);
    return group;
  }

  private async settle(group: readonly Waiting[]): Promise<void> {
    if (group.length === 1) return this.settleAlone(group);
    this.counts.groups++;
    this.counts.grouped += group.length;
    const outcomes = await handleCommandGroup(
      this.pool,
      this.registry,
      group.map((item) => item.envelope),
    );
    const alone: Waiting[] = [];
    for (const item of group) {
      const outcome = outcomes.get(item.envelope.commandId)!;
      if (outcome.kind === 'alone') {
        alone.push(item);
        continue;
      }
      const label = commandLabel(this.registry, item.envelope.command.type);
      if (outcome.kind === 'answered') {
        countCommand(label, outcome.result.duplicate ? 'duplicate' : 'accepted', secondsSince(item.sent));
        item.resolve(outcome.result);
      } else {
        countCommand(label, outcomeOfFailure(outcome.error), secondsSince(item.sent));
        item.reject(outcome.error);
      }
    }
    this.counts.settledAlone += alone.length;
    await this.settleAlone(alone);
  }

  /** Each through the single-command path, side by side (they are on different streams). */
  private async settleAlone(items: readonly Waiting[]): Promise<void> {
    await Promise.all(
      items.map((item) =>
        handleCommand(this.pool, this.registry, item.envelope).then(item.resolve, item.reject),
      ),
    );
  }
}

const groupsByPool = new WeakMap<Pool, WeakMap<AggregateRegistry, CommandGroups>>();

/** The process's command groups for a pool and an application's aggregates (one queue per pair). */
export function commandGroupsFor(pool: Pool, registry: AggregateRegistry): CommandGroups {
  let byRegistry = groupsByPool.get(pool);
  if (!byRegistry) groupsByPool.set(pool, (byRegistry = new WeakMap()));
  let groups = byRegistry.get(registry);
  if (!groups) byRegistry.set(registry, (groups = new CommandGroups(pool, registry)));
  return groups;
}
