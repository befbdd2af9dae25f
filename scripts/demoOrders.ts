import type { Api, Say } from './demoApi';
import { until } from './demoApi';

interface PlacedOrder {
  orderId: string;
  workflowId: string;
  uiUrl: string | null;
}

export interface OrderLatency {
  label: string;
  placedToAwaitingDispatch: number;
  dispatchToConfirmed: number;
}

interface Scenario {
  label: string;
  /** Whether the order reaches dispatch (the demo then dispatches its shipment). */
  dispatch: boolean;
  place: () => Promise<PlacedOrder>;
}

/** Customers and stock for the order scenarios, one of the customers disabled. */
export async function seedShop(api: Api, id: (name: string) => string): Promise<void> {
  for (const name of ['ada', 'grace', 'linus', 'mallory']) {
    await api.post('/customers', { customerId: id(name), name, email: `${name}@example.com` });
  }
  await api.post(`/customers/${id('mallory')}/disable`, { reason: 'chargeback fraud' });
  const stockLevels = { keyboard: 50, mouse: 100, monitor: 1 };
  for (const [sku, quantity] of Object.entries(stockLevels))
    await api.post(`/inventory/${id(sku)}/receive`, { quantity });
}

/** Orders that succeed and orders that compensate, each for a different reason. */
function orderScenarios(api: Api, id: (name: string) => string): Scenario[] {
  const address = {
    name: 'Ada Lovelace',
    line1: '12 Analytical St',
    city: 'London',
    postalCode: 'N1 9GU',
    country: 'GB',
  };
  const order = (
    customer: string,
    lines: Array<[string, number, number]>,
    paymentMethod = 'pm_card_ok',
    country = 'GB',
  ) =>
    api.post<PlacedOrder>('/orders', {
      customerId: id(customer),
      lines: lines.map(([sku, quantity, unitPriceCents]) => ({ sku: id(sku), quantity, unitPriceCents })),
      paymentMethod,
      shippingAddress: { ...address, country },
    });
  return [
    {
      label: 'succeeds',
      dispatch: true,
      place: () =>
        order('ada', [
          ['keyboard', 1, 8900],
          ['mouse', 2, 2500],
        ]),
    },
    {
      label: 'flaky card, retried',
      dispatch: true,
      place: () => order('grace', [['mouse', 1, 2500]], 'pm_card_flaky'),
    },
    {
      label: 'card declined',
      dispatch: false,
      place: () => order('linus', [['keyboard', 1, 8900]], 'pm_card_declined'),
    },
    {
      label: 'out of stock',
      dispatch: false,
      place: () =>
        order('ada', [
          ['mouse', 1, 2500],
          ['monitor', 2, 19900],
        ]),
    },
    {
      label: 'unsupported country',
      dispatch: false,
      place: () => order('grace', [['mouse', 1, 2500]], 'pm_card_ok', 'XX'),
    },
    { label: 'disabled customer', dispatch: false, place: () => order('mallory', [['mouse', 1, 2500]]) },
  ];
}

/** Places every scenario's order at once and follows each to its end; returns the dispatched ones' latencies. */
export async function runOrderScenarios(
  api: Api,
  id: (name: string) => string,
  say: Say,
): Promise<OrderLatency[]> {
  const latencies: OrderLatency[] = [];
  const placed = await Promise.all(
    orderScenarios(api, id).map(async (scenario) => ({
      scenario,
      placedAt: Date.now(),
      order: await scenario.place(),
    })),
  );
  for (const { scenario, order: placedOrder } of placed) {
    say(
      `order ${placedOrder.orderId} (${scenario.label}) → saga ${placedOrder.uiUrl ?? placedOrder.workflowId}`,
    );
  }
  await Promise.all(
    placed.map(async ({ scenario, placedAt, order: placedOrder }) => {
      if (scenario.dispatch)
        latencies.push(await dispatchWhenReady(api, scenario.label, placedAt, placedOrder));
      const final = await until(
        async () => {
          const state = await api.get<{ status: string; cancelReason?: string }>(
            `/orders/${placedOrder.orderId}`,
          );
          return state.status === 'placed' ? undefined : state;
        },
        60_000,
        `${placedOrder.orderId} to finish`,
      );
      say(
        `order ${placedOrder.orderId} (${scenario.label}): ${final.status}${final.cancelReason ? ` — ${final.cancelReason}` : ''}`,
      );
    }),
  );
  return latencies;
}

/** Waits for the saga to await dispatch, dispatches the shipment, waits for the order to be confirmed. */
async function dispatchWhenReady(
  api: Api,
  label: string,
  placedAt: number,
  placedOrder: PlacedOrder,
): Promise<OrderLatency> {
  await until(
    async () => {
      const saga = await api.get<{ progress: { step: string } | null }>(
        `/sagas/${encodeURIComponent(placedOrder.workflowId)}`,
      );
      return saga.progress?.step === 'awaiting dispatch' ? true : undefined;
    },
    60_000,
    `${placedOrder.orderId} to await dispatch`,
  );
  const awaitingAt = Date.now();
  await api.post(`/shipments/${placedOrder.orderId}/dispatch`);
  const dispatchedAt = Date.now();
  await until(
    async () =>
      (await api.get<{ status: string }>(`/orders/${placedOrder.orderId}`)).status === 'confirmed'
        ? true
        : undefined,
    60_000,
    `${placedOrder.orderId} to be confirmed`,
  );
  return {
    label,
    placedToAwaitingDispatch: awaitingAt - placedAt,
    dispatchToConfirmed: Date.now() - dispatchedAt,
  };
}
