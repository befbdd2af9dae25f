import type { Command } from 'commander';
import { CliError, encode, type ApiClient } from './client';
import type { Context } from './context';
import type { AsJson, CorrelationsFound, Trace as TraceView } from '../engine/http/contract';

type Trace = AsJson<TraceView>;
type TraceNode = Trace['nodes'][number];

function label(node: TraceNode): string {
  switch (node.kind) {
    case 'request':
      return `request ${node.causationId}${node.actor ? ` by ${node.actor}` : ''}  ${node.time}`;
    case 'command':
      return `command ${node.type}${node.step ? ` [${node.step}]` : ''}  ${node.time}`;
    case 'event':
      return `event ${node.type}  ${node.streamId} v${node.streamVersion} @${node.globalPosition}  ${node.time}`;
    case 'saga': {
      const signals = node.signalledBy?.length ? `, signalled ${node.signalledBy.length}×` : '';
      const how = node.delivery === 'signal' ? 'signalled' : 'started';
      return `saga ${node.type} ${node.workflowId} (${how}${signals}) ${node.status ?? 'status unknown'}${node.uiUrl ? `  ${node.uiUrl}` : ''}`;
    }
  }
}

/** The tree with box-drawing branches, one node a line, children under their parent in log order. */
export function renderTree(trace: Trace): string {
  const byId = new Map(trace.nodes.map((node) => [node.id, node]));
  const lines = [`correlation ${trace.correlationId}`];
  const walk = (node: TraceNode, prefix: string, last: boolean) => {
    lines.push(`${prefix}${last ? '└─ ' : '├─ '}${label(node)}`);
    const children = node.children.map((id) => byId.get(id)).filter((child) => child !== undefined);
    children.forEach((child, index) =>
      walk(child, `${prefix}${last ? '   ' : '│  '}`, index === children.length - 1),
    );
  };
  const roots = trace.nodes.filter((node) => node.parentId === null);
  roots.forEach((root, index) => walk(root, '', index === roots.length - 1));
  if (trace.truncated) lines.push('… more events share this correlation than one trace shows');
  return lines.join('\n');
}

async function correlationsFor(client: ApiClient, options: { stream?: string; workflow?: string }) {
  const query = options.stream
    ? `streamId=${encode(options.stream)}`
    : `workflowId=${encode(options.workflow!)}`;
  const { correlationIds } = await client.get<CorrelationsFound>(`/trace?${query}`);
  if (correlationIds.length === 0)
    throw new CliError('no correlation id is recorded for it', 'CorrelationNotFound');
  return correlationIds;
}

export function registerTraceCommand(program: Command, contextOf: () => Context): void {
  program
    .command('trace [correlationId]')
    .description('the causation tree of a correlation: request → command → event → saga → command → event')
    .option('--stream <streamId>', "trace the correlations of this stream's events")
    .option('--workflow <workflowId>', 'trace the correlation of this saga')
    .action(async (correlationId: string | undefined, options: { stream?: string; workflow?: string }) => {
      const { client, output } = contextOf();
      const given = [correlationId, options.stream, options.workflow].filter((value) => value !== undefined);
      if (given.length !== 1)
        throw new CliError(
          'give one of: a correlation id, --stream <streamId>, --workflow <workflowId>',
          'BadOption',
        );
      const ids = correlationId !== undefined ? [correlationId] : await correlationsFor(client, options);
      const traces: Trace[] = [];
      for (const id of ids) traces.push(await client.get<Trace>(`/trace/${encode(id)}`));
      output.result(traces.length === 1 ? traces[0] : traces, () => traces.map(renderTree).join('\n\n'));
    });
}
