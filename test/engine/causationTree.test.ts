import { randomUUID } from 'node:crypto';
import type { EventMetadata, StoredEvent } from '../../engine/eventstore/types';
import { causationTree } from '../../engine/causation/causationTree';
import { shopApplication } from '../../worker/application';

// The tree from events alone, with the shop's real triggers: the shapes a live trace cannot easily show.
let position = 100;
function event(
  type: string,
  streamId: string,
  streamVersion: number,
  data: unknown,
  metadata: Partial<EventMetadata>,
): StoredEvent {
  position += 1;
  return {
    globalPosition: String(position),
    transactionId: String(position),
    eventId: randomUUID(),
    streamId,
    streamVersion,
    type,
    schemaVersion: 1,
    data,
    metadata: {
      eventId: '',
      commandId: randomUUID(),
      commandType: 'X',
      correlationId: 'c',
      causationId: 'r',
      actor: 'a',
      ...metadata,
    } as EventMetadata,
    recordedAt: new Date(1_700_000_000_000 + position),
  };
}

test('a bulk task: the request starts the one bulk workflow, whose page commands hang under it', () => {
  const bulkId = 'b-1';
  const workflowId = `disable-all-customers:${bulkId}`;
  const requested = event(
    'BulkTaskRequested',
    `bulk-${bulkId}`,
    1,
    { bulkId, task: 'disable-all-customers', params: { reason: 'x' } },
    {
      commandId: 'req-cmd',
      commandType: 'RequestBulkTask',
      causationId: 'http-request-1',
      actor: 'api-key:admin:1',
    },
  );
  const items = ['c-1', 'c-2'].map((id) =>
    event(
      'CustomerDisabled',
      `customer-${id}`,
      2,
      { customerId: id, reason: 'x' },
      {
        commandId: `bulk:${bulkId}:${id}`,
        commandType: 'DisableCustomer',
        causationId: `bulk-${bulkId}`,
        actor: 'bulk:disable-all-customers',
        workflowId,
      },
    ),
  );
  const completed = event(
    'BulkTaskCompleted',
    `bulk-${bulkId}`,
    2,
    { bulkId },
    {
      commandId: `${workflowId}:completed`,
      commandType: 'CompleteBulkTask',
      causationId: workflowId,
      actor: 'saga:bulkTask',
      workflowId,
    },
  );
  const tree = causationTree('c', [requested, ...items, completed], shopApplication.triggers);

  expect(tree.nodes.map((node) => [node.kind, node.type, node.parentId?.split(':')[0] ?? null])).toEqual([
    ['request', 'request', null],
    ['command', 'RequestBulkTask', 'request'],
    ['event', 'BulkTaskRequested', 'command'],
    ['saga', 'bulkTask', 'event'],
    ['command', 'DisableCustomer', 'saga'],
    ['event', 'CustomerDisabled', 'command'],
    ['command', 'DisableCustomer', 'saga'],
    ['event', 'CustomerDisabled', 'command'],
    ['command', 'CompleteBulkTask', 'saga'],
    ['event', 'BulkTaskCompleted', 'command'],
  ]);
  const saga = tree.nodes.find((node) => node.kind === 'saga')!;
  expect(saga).toMatchObject({ workflowId, parentId: `event:${requested.eventId}`, delivery: 'start' });
  expect(tree.nodes.find((node) => node.type === 'CompleteBulkTask')).toMatchObject({ step: 'completed' });
});

test('a saga whose start is in another correlation is a root; a command caused by an event hangs under it', () => {
  const workflowId = 'order-fulfillment:o-9';
  const reserved = event(
    'StockReserved',
    'inventory-k',
    2,
    { sku: 'k', orderId: 'o-9', quantity: 1 },
    {
      commandType: 'ReserveStock',
      causationId: workflowId,
      actor: 'saga:orderFulfillment',
      workflowId,
    },
  );
  const caused = event(
    'CustomerDisabled',
    'customer-z',
    2,
    { customerId: 'z', reason: 'r' },
    {
      commandType: 'DisableCustomer',
      causationId: reserved.eventId,
    },
  );
  const tree = causationTree('c', [reserved, caused], shopApplication.triggers);
  expect(tree.nodes.map((node) => [node.kind, node.type, node.parentId])).toEqual([
    ['saga', 'orderFulfillment', null],
    ['command', 'ReserveStock', `saga:${workflowId}`],
    ['event', 'StockReserved', expect.stringMatching(/^command:/)],
    ['command', 'DisableCustomer', `event:${reserved.eventId}`],
    ['event', 'CustomerDisabled', expect.stringMatching(/^command:/)],
  ]);
});
