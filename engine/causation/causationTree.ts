import type { CausationNode } from '../http/contract';
import { triggerEventOf, type Trigger } from '../relay/trigger';
import type { StoredEvent } from '../eventstore/types';

/** One node of a causation tree: the wire contract's shape, so the engine and the route cannot differ. */
export type TraceNode = CausationNode;
export type TraceNodeKind = CausationNode['kind'];

export interface CausationTree {
  correlationId: string;
  /** Depth first, each parent before its children, siblings in log order. */
  nodes: TraceNode[];
}

interface SagaSeen {
  workflowId: string;
  workflowType: string;
  signal: boolean;
  deliveries: StoredEvent[];
}

type SortedNode = TraceNode & { sortKey: bigint };

const eventNode = (event: StoredEvent) => `event:${event.eventId}`;
const sagaNode = (workflowId: string) => `saga:${workflowId}`;

/**
 * Rebuilds who caused what from the events of one correlation: each event's command (its command id),
 * each command's cause (the saga that sent it, named in its metadata, else the request its causation id
 * names), and each saga's start (the first of these events the application's triggers deliver to it).
 * Triggers are pure (they plan a delivery from the event alone), so asking them again gives the same
 * workflow ids the relay used. A command a saga sent that was rejected appended nothing and is absent.
 */
export function causationTree(
  correlationId: string,
  events: readonly StoredEvent[],
  triggers: readonly Trigger<unknown>[],
): CausationTree {
  const nodes = new Map<string, SortedNode>();
  const sagas = sagasDelivered(events, triggers);
  const eventIds = new Set(events.map((event) => event.eventId));
  for (const event of events) {
    const commandNodeId = commandOf(event, nodes, sagas, eventIds);
    add(nodes, {
      id: eventNode(event),
      kind: 'event',
      parentId: commandNodeId,
      type: event.type,
      time: event.recordedAt.toISOString(),
      eventId: event.eventId,
      streamId: event.streamId,
      streamVersion: event.streamVersion,
      globalPosition: event.globalPosition,
      sortKey: BigInt(event.globalPosition),
    });
  }
  for (const saga of sagas.values()) addSaga(nodes, saga);
  return { correlationId, nodes: depthFirst(nodes) };
}

function add(nodes: Map<string, SortedNode>, node: Omit<SortedNode, 'children'>): SortedNode {
  const full = { ...node, children: [] };
  nodes.set(node.id, full);
  return full;
}

/** Each saga the triggers deliver these events to, with the events in the order it got them. */
function sagasDelivered(events: readonly StoredEvent[], triggers: readonly Trigger<unknown>[]) {
  const sagas = new Map<string, SagaSeen>();
  for (const event of events) {
    for (const delivery of deliveriesOf(event, triggers)) {
      const seen = sagas.get(delivery.workflowId);
      if (seen) seen.deliveries.push(event);
      else sagas.set(delivery.workflowId, { ...delivery, deliveries: [event] });
    }
  }
  return sagas;
}

/** The node of the command that appended `event`, added (with its cause) on its first event. */
function commandOf(
  event: StoredEvent,
  nodes: Map<string, SortedNode>,
  sagas: Map<string, SagaSeen>,
  eventIds: ReadonlySet<string>,
): string {
  const metadata = event.metadata ?? ({} as Partial<StoredEvent['metadata']>);
  const commandId = metadata.commandId ?? `unknown:${event.eventId}`;
  const commandNodeId = `command:${commandId}`;
  if (nodes.has(commandNodeId)) return commandNodeId;
  const workflowId = metadata.workflowId;
  if (workflowId && !sagas.has(workflowId)) {
    // Its start event belongs to no trigger we know, or to another correlation: a root of its own.
    sagas.set(workflowId, {
      workflowId,
      workflowType: metadata.actor?.replace(/^(saga|bulk):/, '') ?? 'unknown',
      signal: false,
      deliveries: [],
    });
  }
  const cause = metadata.causationId ?? 'unknown';
  let parentId: string;
  if (workflowId) parentId = sagaNode(workflowId);
  else if (eventIds.has(cause)) parentId = `event:${cause}`;
  else if (sagas.has(cause)) parentId = sagaNode(cause);
  else parentId = requestOf(event, cause, nodes);
  add(nodes, {
    id: commandNodeId,
    kind: 'command',
    parentId,
    type: metadata.commandType ?? 'unknown',
    time: event.recordedAt.toISOString(),
    commandId,
    step:
      workflowId && commandId.startsWith(`${workflowId}:`)
        ? commandId.slice(workflowId.length + 1)
        : undefined,
    actor: metadata.actor,
    sortKey: BigInt(event.globalPosition),
  });
  return commandNodeId;
}

/** The request node a command from outside (HTTP, a script) hangs from, added on its first command. */
function requestOf(event: StoredEvent, cause: string, nodes: Map<string, SortedNode>): string {
  const id = `request:${cause}`;
  if (!nodes.has(id))
    add(nodes, {
      id,
      kind: 'request',
      parentId: null,
      type: 'request',
      time: event.recordedAt.toISOString(),
      causationId: cause,
      actor: event.metadata?.actor,
      sortKey: BigInt(event.globalPosition),
    });
  return id;
}

function addSaga(nodes: Map<string, SortedNode>, saga: SagaSeen): void {
  const [start, ...signals] = saga.deliveries;
  const firstCommand = [...nodes.values()].find((node) => node.parentId === sagaNode(saga.workflowId));
  add(nodes, {
    id: sagaNode(saga.workflowId),
    kind: 'saga',
    parentId: start ? eventNode(start) : null,
    type: saga.workflowType,
    time: start?.recordedAt.toISOString() ?? firstCommand?.time ?? new Date(0).toISOString(),
    workflowId: saga.workflowId,
    delivery: start ? (saga.signal ? 'signal' : 'start') : undefined,
    signalledBy: signals.map((event) => event.eventId),
    sortKey: start ? BigInt(start.globalPosition) : (firstCommand?.sortKey ?? 0n),
  });
}

/** Depth first, each parent before its children, roots and siblings in log order. */
function depthFirst(nodes: Map<string, SortedNode>): TraceNode[] {
  for (const node of nodes.values()) {
    if (node.parentId) nodes.get(node.parentId)?.children.push(node.id);
  }
  const bySortKey = (a: string, b: string) => {
    const difference = nodes.get(a)!.sortKey - nodes.get(b)!.sortKey;
    return difference === 0n ? 0 : difference < 0n ? -1 : 1;
  };
  const ordered: TraceNode[] = [];
  const visit = (id: string) => {
    const { sortKey: _sortKey, ...node } = nodes.get(id)!;
    node.children.sort(bySortKey);
    ordered.push(node);
    node.children.forEach(visit);
  };
  [...nodes.values()]
    .filter((node) => node.parentId === null)
    .map((node) => node.id)
    .sort(bySortKey)
    .forEach(visit);
  return ordered;
}

/** The sagas the relay delivers this event to, as its triggers plan them now. */
function deliveriesOf(
  event: StoredEvent,
  triggers: readonly Trigger<unknown>[],
): Array<{ workflowId: string; workflowType: string; signal: boolean }> {
  const triggerEvent = triggerEventOf(event);
  const deliveries = [];
  for (const trigger of triggers) {
    if (trigger.eventType !== event.type) continue;
    try {
      if (trigger.appliesTo && !trigger.appliesTo(triggerEvent)) continue;
      const { workflowId, workflowType, signal } = trigger.plan(triggerEvent, {});
      deliveries.push({ workflowId, workflowType, signal: signal !== undefined });
    } catch {
      // An event the relay would park starts nothing: it has no saga in the tree.
    }
  }
  return deliveries;
}
