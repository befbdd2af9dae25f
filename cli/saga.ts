import type { Command } from 'commander';
import { encode } from './client';
import type { Context } from './context';
import { indented } from './output';
import type { AsJson, SagaView as SagaWireView } from '../engine/http/contract';

type SagaView = AsJson<SagaWireView>;

const marks: Record<string, string> = {
  completed: '✓',
  failed: '✗',
  timedOut: '⏱',
  cancelled: '⊘',
  running: '…',
};

function describeSaga(saga: SagaView): string {
  const lines = [
    `${saga.workflowType} ${saga.workflowId}: ${saga.status}`,
    `  started ${saga.startTime}${saga.closeTime ? `, closed ${saga.closeTime}` : ''}`,
  ];
  if (!saga.activities) lines.push('', 'steps: (history not available)');
  else {
    const commands = saga.activities.filter((activity) => activity.commandType !== null);
    const others = saga.activities.filter((activity) => activity.commandType === null);
    lines.push('', 'commands sent:');
    if (commands.length === 0) lines.push('  (none yet)');
    for (const command of commands) {
      const what = command.summary ?? command.commandType ?? command.activityType;
      const compensation = command.compensation ? '  [compensation]' : '';
      lines.push(`  ${marks[command.status] ?? '?'} ${command.step ?? '-'}: ${what}${compensation}`);
      if (command.failure) lines.push(`      ${command.failure}`);
    }
    if (others.length > 0) {
      lines.push('', 'other steps:');
      for (const step of others) {
        lines.push(`  ${marks[step.status] ?? '?'} ${step.summary ?? step.activityType}`);
        if (step.failure) lines.push(`      ${step.failure}`);
      }
    }
    const compensations = commands.filter((command) => command.compensation).map((command) => command.step);
    lines.push('', `compensations: ${compensations.length > 0 ? compensations.join(', ') : 'none'}`);
  }
  lines.push(
    '',
    'current state:',
    saga.progress === null ? '  (the saga did not answer)' : indented(saga.progress),
  );
  if (saga.uiUrl) lines.push('', `UI: ${saga.uiUrl}`);
  return lines.join('\n');
}

export function registerSagaCommands(program: Command, contextOf: () => Context): void {
  const saga = program.command('saga').description('sagas (Temporal workflows)');
  saga
    .command('show <workflowId>')
    .description("a saga's steps, the commands it sent, its compensations, its current state and UI link")
    .action(async (workflowId: string) => {
      const { client, output } = contextOf();
      const view = await client.get<SagaView>(`/sagas/${encode(workflowId)}`);
      output.result(view, () => describeSaga(view));
    });
}
