import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import { fold, type Message } from '../../aggregate/decider';
import type { AnyAggregate } from '../../aggregate/aggregate';
import { planRevert } from '../../aggregate/revertPlan';
import { commandGroupsFor } from '../../commands/commandGroups';
import { readStream } from '../../eventstore/readStream';
import type { StoredEvent } from '../../eventstore/types';
import { Answered } from '../answered';
import { commandHeaders, isDryRun } from '../commandContext';
import type { ApiDependencies } from '../dependencies';
import { ApiError } from '../errors';
import { errorResponses, longId, strictObject } from '../schemas';
import type { TypedApp } from '../typedApp';

const revertedCommand = Type.Object({
  commandId: Type.String(),
  undoes: Type.Integer({ description: 'The stream version of the event this command reverses' }),
  type: Type.String(),
  data: Type.Unknown(),
});

const revertPreview = Type.Object(
  {
    dryRun: Type.Literal(true),
    streamId: Type.String(),
    fromVersion: Type.Integer(),
    toVersion: Type.Integer(),
    commands: Type.Array(revertedCommand),
    events: Type.Array(Type.Object({ type: Type.String(), data: Type.Unknown() })),
    state: Type.Unknown({ description: 'The aggregate state after the reversing events' }),
  },
  {
    description:
      'Dry run (?dryRun=true): the reversing commands, their events and the state after; nothing written',
  },
);

const revertResult = Type.Object({
  streamId: Type.String(),
  fromVersion: Type.Integer(),
  toVersion: Type.Integer(),
  version: Type.Integer({ description: 'The stream version after the reversing events' }),
  commands: Type.Array(Type.Object({ ...revertedCommand.properties, changed: Type.Boolean() })),
});

/**
 * Takes a stream back to an earlier version by appending, newest first, the commands its aggregate
 * declares as each event's reversal: nothing is deleted or rewritten. Refused, with nothing written, when
 * an event on the way cannot be reversed, when a reversing command would be rejected, or when the stream
 * has moved since `expectedVersion`. Command ids derive from (stream, from, to), so a retry with the same
 * `expectedVersion` finishes a half-done revert instead of reverting twice.
 */
export function registerStreamRevertRoute(app: TypedApp, deps: ApiDependencies): void {
  app.post(
    '/streams/:streamId/revert',
    {
      config: { access: 'admin', dryRun: revertPreview },
      schema: {
        headers: commandHeaders,
        params: strictObject({ streamId: longId }),
        body: strictObject({
          toVersion: Type.Integer({ minimum: 0, maximum: 2_147_483_647 }),
          expectedVersion: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: 2_147_483_647,
              description: 'The version being reverted from (default: the current one); makes a retry safe',
            }),
          ),
        }),
        response: { 200: revertResult, ...errorResponses },
      },
    },
    async (request) => {
      const { streamId } = request.params;
      const { toVersion } = request.body;
      const aggregate = deps.application.registry.aggregateForStream(streamId) as AnyAggregate | undefined;
      if (!aggregate)
        throw new ApiError(400, 'UnknownStreamType', `Stream ${streamId} is not of a known type`, {
          streamId,
        });
      const events = await readStream(deps.pool, streamId);
      const current = events.at(-1)?.streamVersion;
      if (current === undefined)
        throw new ApiError(404, 'StreamNotFound', `Stream ${streamId} has no events`, { streamId });
      const fromVersion = request.body.expectedVersion ?? current;
      if (fromVersion > current)
        throw new ApiError(
          409,
          'VersionMismatch',
          `Stream ${streamId} is at version ${current}, not ${fromVersion}`,
          {
            streamId,
            version: current,
          },
        );
      if (toVersion >= fromVersion)
        throw new ApiError(
          400,
          'NothingToRevert',
          `toVersion must be below the version reverted from (${fromVersion})`,
          {
            streamId,
            fromVersion,
            toVersion,
          },
        );
      const plan = planRevert(
        aggregate,
        events.filter((event) => event.streamVersion <= fromVersion),
        toVersion,
      );
      if (!plan.reversible)
        throw new ApiError(
          409,
          'EventNotReversible',
          `Version ${plan.version} (${plan.eventType}) cannot be reverted: ${plan.reason}`,
          {
            streamId,
            version: plan.version,
            eventType: plan.eventType,
            reason: plan.reason,
          },
        );
      const prefix = `revert:${streamId}@${fromVersion}>${toVersion}:`;
      const commands = plan.steps
        .flatMap((step) => step.commands.map((command: Message) => ({ undoes: step.version, ...command })))
        .map((command, index) => ({ commandId: `${prefix}${index}`, ...command }));
      refuseOthersSince(events, fromVersion, prefix, streamId);

      // Decided here first, on the state now, so a rejection writes nothing (the handler decides again).
      const done = new Set(events.map((event) => event.metadata?.commandId));
      let state = fold(aggregate, events as unknown as Message[]);
      const appended: Message[] = [];
      for (const command of commands.filter((each) => !done.has(each.commandId))) {
        const decided = aggregate.decide({ type: command.type, data: command.data }, state, {
          attempt: 1,
          now: new Date(),
        });
        appended.push(...decided);
        state = decided.reduce(aggregate.evolve, state);
      }
      if (isDryRun(request))
        throw new Answered(200, {
          dryRun: true,
          streamId,
          fromVersion,
          toVersion,
          commands,
          events: appended,
          state,
        });

      const key = request.headers['idempotency-key'];
      const metadata = {
        correlationId: request.headers['x-correlation-id'] ?? randomUUID(),
        causationId: key === undefined ? request.id : `http:${key}`,
        actor: request.identity?.actor ?? 'http:anonymous',
      };
      const groups = commandGroupsFor(deps.pool, deps.application.registry);
      const sent = [];
      let version = current;
      for (const { commandId, undoes, type, data } of commands) {
        const result = await groups.send({ commandId, command: { type, data }, metadata });
        version = Math.max(version, result.version);
        sent.push({ commandId, undoes, type, data, changed: result.changed });
      }
      return { streamId, fromVersion, toVersion, version, commands: sent };
    },
  );
}

/** Events after `fromVersion` that this revert did not append: someone changed the stream since. */
function refuseOthersSince(
  events: StoredEvent[],
  fromVersion: number,
  prefix: string,
  streamId: string,
): void {
  const others = events.filter(
    (event) =>
      event.streamVersion > fromVersion && !String(event.metadata?.commandId ?? '').startsWith(prefix),
  );
  if (others.length > 0)
    throw new ApiError(
      409,
      'StreamChanged',
      `Stream ${streamId} moved past version ${fromVersion} (now ${events.at(-1)!.streamVersion}); revert from the current version`,
      { streamId, fromVersion, version: events.at(-1)!.streamVersion },
    );
}
