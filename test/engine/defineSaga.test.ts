import { defineSignal } from '@temporalio/workflow';
import type { shop } from '../../domain/registry';
import { sagasIn, triggersOf } from '../../engine/saga/defineSaga';
import { applicationKit } from '../../engine/kit';
import type { GroupCreated } from '../../domain/group/group';
import type { EventSignal, EventSignalOf } from '../../engine/saga/eventSignal';
import type { TriggerEvent } from '../../engine/relay/trigger';
import { shopApplication } from '../../worker/application';
import * as workflows from '../../workflows';

interface LoyaltyInput {
  orderId: string;
  correlationId: string;
  points: number;
}
async function awardLoyaltyPoints(input: LoyaltyInput): Promise<number> {
  return input.points;
}
const nudged = defineSignal<[EventSignal]>('nudged');
const { defineSaga } = applicationKit<typeof shop, { pointsPerOrder?: number }>();
const saga = () =>
  defineSaga({
    workflowType: 'awardLoyaltyPoints',
    workflow: awardLoyaltyPoints,
    workflowId: (orderId) => `loyalty:${orderId}`,
    aggregateId: (orderId) => `order-${orderId}`,
    summary: (orderId) => `Award points for ${orderId}`,
  });

const placed: TriggerEvent = {
  eventId: 'e-1',
  type: 'OrderPlaced',
  streamId: 'order-o-1',
  transactionId: '10000000000000000',
  globalPosition: '9007199254740993',
  data: { orderId: 'o-1', totalCents: 1250 },
  correlationId: 'corr-1',
};

describe('typed triggers', () => {
  test('a trigger builds the start the relay sends, with the search attributes, summary and details', () => {
    const loyalty = saga().startedBy('OrderPlaced', {
      name: 'order-placed-awards-points',
      key: 'orderId',
      input: (event, settings, orderId) => ({
        orderId,
        correlationId: event.correlationId,
        points: Math.floor(event.data.totalCents / 100) * (settings.pointsPerOrder ?? 1),
      }),
      details: (event) => [`${event.data.totalCents} cents`],
    });
    const [trigger] = loyalty.triggers;
    expect(trigger!.plan(placed, { pointsPerOrder: 2 })).toEqual({
      workflowType: 'awardLoyaltyPoints',
      workflowId: 'loyalty:o-1',
      args: [{ orderId: 'o-1', correlationId: 'corr-1', points: 24 }],
      signal: undefined,
      searchAttributes: { sagaType: 'awardLoyaltyPoints', aggregateId: 'order-o-1', correlationId: 'corr-1' },
      summary: 'Award points for o-1',
      details: 'Started by **OrderPlaced** (event e-1, position 9007199254740993).\n\n1250 cents',
      whenFinished: 'ignore',
    });
  });

  test('`when` leaves some events of the type alone; `whenFinished` says whether a finished saga runs again', () => {
    const loyalty = defineSaga({
      workflowType: 'awardLoyaltyPoints',
      workflow: awardLoyaltyPoints,
      workflowId: (orderId) => `loyalty:${orderId}`,
      aggregateId: (orderId) => `order-${orderId}`,
      summary: (orderId) => `Award points for ${orderId}`,
      whenFinished: 'startAgain',
    }).startedBy('OrderPlaced', {
      name: 'big-orders-award-points',
      key: 'orderId',
      when: (event) => event.data.totalCents >= 1000,
      input: (event, _settings, orderId) => ({ orderId, correlationId: event.correlationId, points: 1 }),
    });
    const [trigger] = loyalty.triggers;
    expect(trigger!.appliesTo!(placed)).toBe(true);
    expect(trigger!.appliesTo!({ ...placed, data: { orderId: 'o-1', totalCents: 999 } })).toBe(false);
    expect(trigger!.plan(placed, {}).whenFinished).toBe('startAgain');
  });

  test('signal-with-start carries the event, and an event without its key is refused (to be parked)', () => {
    const loyalty = saga().signalledBy('ShipmentDispatched', {
      name: 'dispatch-nudges-points',
      key: 'orderId',
      signal: nudged,
      input: (event, _settings, orderId) => ({ orderId, correlationId: event.correlationId, points: 0 }),
    });
    const [trigger] = loyalty.triggers;
    const dispatched = { ...placed, type: 'ShipmentDispatched', data: { orderId: 'o-1' } };
    expect(trigger!.plan(dispatched, {}).signal).toEqual({
      name: 'nudged',
      args: [
        {
          eventId: 'e-1',
          eventType: 'ShipmentDispatched',
          streamId: 'order-o-1',
          globalPosition: '9007199254740993',
          correlationId: 'corr-1',
          data: { orderId: 'o-1' },
        },
      ],
    });
    expect(() => trigger!.plan({ ...dispatched, data: {} }, {})).toThrow(
      'ShipmentDispatched e-1 has no orderId',
    );
    expect(() => trigger!.plan({ ...dispatched, data: { orderId: '' } }, {})).toThrow(/has no orderId/);
  });

  test('a wrong event type, key, event field or workflow input does not compile', () => {
    const wrong = saga()
      // @ts-expect-error -- no such event in the shop
      .startedBy('OrderPlacedd', {
        name: 'typo',
        key: 'orderId',
        input: (event: { correlationId: string }) => ({
          orderId: 'o',
          correlationId: event.correlationId,
          points: 1,
        }),
      })
      .startedBy('OrderPlaced', {
        name: 'wrong-key',
        // @ts-expect-error -- OrderPlaced has no orderNumber
        key: 'orderNumber',
        input: (event, _settings, orderId) => ({ orderId, correlationId: event.correlationId, points: 1 }),
      })
      .startedBy('OrderPlaced', {
        name: 'wrong-field',
        key: 'orderId',
        input: (event, _settings, orderId) => ({
          orderId,
          correlationId: '',
          // @ts-expect-error -- OrderPlaced's data has no amountCents (it is totalCents)
          points: event.data.amountCents,
        }),
      })
      .startedBy('OrderPlaced', {
        name: 'wrong-input',
        key: 'orderId',
        // @ts-expect-error -- the workflow takes points as a number
        input: (event, _settings, orderId) => ({ orderId, correlationId: event.correlationId, points: '1' }),
      })
      .startedBy('CustomerRegistered', {
        name: 'key-must-be-a-string-field',
        // @ts-expect-error -- CustomerRegistered has no orderId; its key field is customerId
        key: 'orderId',
        input: (event, _settings, id) => ({ orderId: id, correlationId: event.correlationId, points: 0 }),
      });
    expect(wrong.triggers).toHaveLength(5);
  });
});

describe('exact inputs, typed signals and whenFinished per trigger', () => {
  test('an input field the workflow does not take, or a signal that does not take the event, fails to compile', () => {
    const groupEvent = defineSignal<[EventSignalOf<GroupCreated>]>('groupEvent');
    const wrong = saga()
      .startedBy('OrderPlaced', {
        name: 'excess-field',
        key: 'orderId',
        // @ts-expect-error -- the workflow takes no pointz (a misspelt field is not dropped silently)
        input: (event, _settings, orderId) => ({ orderId, correlationId: '', points: 1, pointz: 2 }),
      })
      .signalledBy('ShipmentDispatched', {
        name: 'excess-field-signalled',
        key: 'orderId',
        signal: nudged,
        // @ts-expect-error -- the workflow takes no dispatchDeadline
        input: (event, _settings, orderId) => ({
          orderId,
          correlationId: '',
          points: 0,
          dispatchDeadline: 1,
        }),
      })
      .signalledBy('ShipmentDispatched', {
        name: 'signal-takes-groups-only',
        key: 'orderId',
        // @ts-expect-error -- groupEvent carries GroupCreated, not ShipmentDispatched
        signal: groupEvent,
        input: (event, _settings, orderId) => ({ orderId, correlationId: '', points: 0 }),
      });
    expect(wrong.triggers).toHaveLength(3);
  });

  test("a trigger's whenFinished overrides the saga's; unset, the saga's applies", () => {
    const loyalty = saga()
      .startedBy('OrderPlaced', {
        name: 'placed-awards-again',
        key: 'orderId',
        whenFinished: 'startAgain',
        input: (event, _settings, orderId) => ({ orderId, correlationId: event.correlationId, points: 1 }),
      })
      .startedBy('OrderConfirmed', {
        name: 'confirmed-awards-once',
        key: 'orderId',
        input: (event, _settings, orderId) => ({ orderId, correlationId: event.correlationId, points: 1 }),
      });
    const [placedTrigger, confirmedTrigger] = loyalty.triggers;
    expect(placedTrigger!.plan(placed, {}).whenFinished).toBe('startAgain');
    expect(confirmedTrigger!.plan({ ...placed, type: 'OrderConfirmed' }, {}).whenFinished).toBe('ignore');
  });
});

describe('the saga list', () => {
  test('is read from the workflows module, each saga exported under its workflow type', () => {
    // The shop's own sagas and triggers; an application with more has those too.
    const types = shopApplication.sagas.map((s) => s.workflowType);
    expect(types).toEqual(expect.arrayContaining(['bulkTask', 'linkChannels', 'orderFulfillment']));
    for (const type of types) expect(typeof (workflows as Record<string, unknown>)[type]).toBe('function');
    expect(new Set(types).size).toBe(types.length);
    const triggerNames = shopApplication.triggers.map((t) => t.name);
    expect(triggerNames).toEqual(
      expect.arrayContaining([
        'bulk-task-requested-starts-run',
        'channel-created-signals-channel-links',
        'group-created-signals-channel-links',
        'order-placed-starts-fulfillment',
        'shipment-dispatched-signals-fulfillment',
      ]),
    );
  });

  test('refuses a saga whose workflow is exported under another name, and duplicate trigger names', () => {
    const loyalty = saga();
    expect(() => sagasIn({ loyalty, awardPoints: awardLoyaltyPoints })).toThrow(
      "saga awardLoyaltyPoints: its workflow must be exported as 'awardLoyaltyPoints'",
    );
    expect(sagasIn({ loyalty, awardLoyaltyPoints })).toEqual([loyalty]);
    const twice = loyalty
      .startedBy('OrderPlaced', {
        name: 'same',
        key: 'orderId',
        input: () => ({ orderId: '', correlationId: '', points: 0 }),
      })
      .startedBy('OrderConfirmed', {
        name: 'same',
        key: 'orderId',
        input: () => ({ orderId: '', correlationId: '', points: 0 }),
      });
    expect(() => triggersOf([twice])).toThrow("two triggers are named 'same'");
  });
});
