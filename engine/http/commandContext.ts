import { createHash, randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import type { Message } from '../aggregate/decider';
import type { CommandEnvelope, CommandResult } from '../commands/commandEnvelope';
import { commandGroupsFor } from '../commands/commandGroups';
import { previewCommand } from '../commands/commandPreview';
import { Answered } from './answered';
import type { ApiDependencies } from './dependencies';

/** Headers every command route accepts; all optional. Not strict: a request carries many others. */
export const commandHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'A retry with the same key appends nothing and answers the first result',
    }),
  ),
  'x-correlation-id': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});

export type CommandHeaders = Static<typeof commandHeaders>;

/**
 * What the helpers here read of a command route's request. A route's own request type comes from its
 * schemas; the body it sends is checked against the domain's command types where it builds the command.
 */
export type CommandRequest = Pick<FastifyRequest, 'id' | 'identity' | 'query'> & { headers: CommandHeaders };

/**
 * The command id for a request. Client keys live under `http:` because saga command ids are predictable
 * (`<workflowId>:<step>`): an unprefixed key could claim a saga's command id and block its step.
 */
export function commandIdFor(request: CommandRequest): string {
  const key = request.headers['idempotency-key'];
  return key === undefined ? randomUUID() : `http:${key}`;
}

/**
 * An id the server assigns to a new aggregate. With an Idempotency-Key it is derived from the key, so the
 * retried request describes the same command and gets the first result instead of a key-reuse conflict.
 */
export function newAggregateId(request: CommandRequest, aggregate: string): string {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return randomUUID();
  const hex = createHash('sha256').update(`${aggregate}\0${key}`).digest('hex');
  // Shaped like a version-8 (custom) UUID, so derived ids look like generated ones.
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `8${hex.slice(13, 16)}`,
    ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16) + hex.slice(18, 20),
    hex.slice(20, 32),
  ].join('-');
}

export function envelopeFor<Command extends Message>(
  request: CommandRequest,
  command: Command,
): CommandEnvelope<Command> {
  const key = request.headers['idempotency-key'];
  return {
    commandId: commandIdFor(request),
    command,
    metadata: {
      correlationId: request.headers['x-correlation-id'] ?? randomUUID(),
      // The key names the request across retries; the request id only this delivery of it.
      causationId: key === undefined ? request.id : `http:${key}`,
      // Who the API key says the caller is; never what the request claims.
      actor: request.identity?.actor ?? 'http:anonymous',
    },
  };
}

/** `?dryRun=true`, which every command route takes (see dryRun.ts). */
export function isDryRun(request: Pick<FastifyRequest, 'query'>): boolean {
  return (request.query as { dryRun?: string } | undefined)?.dryRun === 'true';
}

/** Lets a client tell a replayed answer from a fresh one; the body is the same either way. */
export function markReplay(response: FastifyReply, result: Pick<CommandResult, 'duplicate'>): void {
  if (result.duplicate) response.header('idempotent-replayed', 'true');
}

/**
 * The one way a route sends its command: through the process's command groups (group commit), with the request's id, key and
 * correlation, and a replayed answer marked as such. An application instantiates it with its command
 * union (`sendCommand<ShopCommand>`), so a route's command is checked where it is built.
 */
export async function sendCommand<Command extends Message = Message>(
  deps: ApiDependencies,
  request: CommandRequest,
  response: FastifyReply,
  command: NoInfer<Command>,
): Promise<CommandResult> {
  // The route's own work ends here on a dry run: the preview is its answer (see dryRun.ts).
  if (isDryRun(request)) {
    const preview = await previewCommand(deps.pool, deps.application.registry, envelopeFor(request, command));
    throw new Answered(200, { dryRun: true, ...preview });
  }
  const result = await commandGroupsFor(deps.pool, deps.application.registry).send(
    envelopeFor(request, command),
  );
  markReplay(response, result);
  return result;
}
