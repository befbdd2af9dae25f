import { setCurrentDetails } from '@temporalio/workflow';
import type { Message } from '../aggregate/decider';
import { dispatch as dispatchCommand, type DispatchOptions } from './commands';
import type { Compensations } from './compensations';

export interface Step<Command extends Message> {
  /** Stable within the saga: it becomes part of the command id, so renaming it re-sends the command. */
  name: string;
  command: Command;
  /** Shown next to the activity in the Temporal UI. */
  summary?: string;
  /** The command that undoes this one, registered before the step runs (so a step that timed out after it took effect is still undone). */
  undo?: { name: string; command: Command; summary?: string };
}

/**
 * A saga's business steps, one call each: the undo is registered before the command is sent, both go
 * through dispatch with command ids derived from the workflow id and the step name, and the UI's current
 * details say which step is running.
 */
export function stepsFor<Command extends Message>(correlationId: string, compensations: Compensations) {
  const send = (name: string, command: Command, options: DispatchOptions) =>
    dispatchCommand<Command>(name, command, correlationId, options);
  return async function step(definition: Step<Command>) {
    const { undo } = definition;
    if (undo) {
      compensations.add(undo.name, () =>
        send(undo.name, undo.command, {
          summary: undo.summary ?? `${undo.command.type} (undo ${definition.name})`,
        }),
      );
    }
    setCurrentDetails(`**${definition.name}**${definition.summary ? `\n\n${definition.summary}` : ''}`);
    return send(definition.name, definition.command, { summary: definition.summary });
  };
}
