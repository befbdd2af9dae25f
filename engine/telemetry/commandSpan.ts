import { trace } from '@opentelemetry/api';
import { tracingOn } from './tracing';

/**
 * Names the command on the span it runs in: every saga command is a `RunActivity:executeCommand`, and
 * the span alone would not say which one.
 */
export function nameCommandOnSpan(command: { commandId: string; commandType: string }): void {
  if (!tracingOn()) return;
  trace.getActiveSpan()?.setAttributes({
    'procession.command.type': command.commandType,
    'procession.command.id': command.commandId,
  });
}
