// The demo `npm start` runs against its own HTTP API: customers and stock, orders that succeed and orders
// that compensate, then a DisableAllCustomers bulk task with live progress. Everything goes through the
// API, the relay and the sagas, as a user's requests would.
import { randomUUID } from 'node:crypto';

type Say = (line: string) => void;

interface Api {
  post<T>(path: string, body?: unknown): Promise<T>;
  get<T>(path: string): Promise<T>;
}

function apiAt(baseUrl: string, apiKey: string): Api {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${parsed?.message ?? text}`);
    return parsed as T;
  };
  return { post: (path, body) => call('POST', path, body), get: (path) => call('GET', path) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`demo: gave up waiting for ${what}`);
    await sleep(50);
  }
}

interface PlacedOrder {
  orderId: string;
  workflowId: string;
  uiUrl: string | null;
}

export interface DemoFigures {
  orderLatenciesMs: Array<{ label: string; placedToAwaitingDispatch: number; dispatchToConfirmed: number }>;
  bulk: { customers: number; seconds: number; perSecond: number };
}

export async function runDemo(
  baseUrl: string,
  say: Say,
  options: { apiKey: string; bulkCustomers?: number },
): Promise<DemoFigures> {
  const api = apiAt(baseUrl, options.apiKey);
  const run = randomUUID().slice(0, 6);
  const id = (name: string) => `${name}-${run}`;

  say(`seeding customers and stock (run ${run})`);
  for (const name of ['ada', 'grace', 'linus', 'mallory']) {
    await api.post('/customers', { customerId: id(name), name, email: `${name}@example.com` });
  }
  await api.post(`/customers/${id('mallory')}/disable`, { reason: 'chargeback fraud' });
  const stockLevels = { keyboard: 50, mouse: 100, monitor: 1 };
  for (const [sku, quantity] of Object.entries(stockLevels))
    await api.post(`/inventory/${id(sku)}/receive`, { quantity });

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

  const scenarios: Array<{ label: string; dispatch: boolean; place: () => Promise<PlacedOrder> }> = [
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

  const figures: DemoFigures = { orderLatenciesMs: [], bulk: { customers: 0, seconds: 0, perSecond: 0 } };
  const placed = await Promise.all(
    scenarios.map(async (scenario) => ({ scenario, placedAt: Date.now(), order: await scenario.place() })),
  );
  for (const { scenario, order: placedOrder } of placed) {
    say(
      `order ${placedOrder.orderId} (${scenario.label}) → saga ${placedOrder.uiUrl ?? placedOrder.workflowId}`,
    );
  }

  await Promise.all(
    placed.map(async ({ scenario, placedAt, order: placedOrder }) => {
      if (scenario.dispatch) {
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
        figures.orderLatenciesMs.push({
          label: scenario.label,
          placedToAwaitingDispatch: awaitingAt - placedAt,
          dispatchToConfirmed: Date.now() - dispatchedAt,
        });
      }
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
  for (const latency of figures.orderLatenciesMs) {
    say(
      `latency (${latency.label}): OrderPlaced → awaiting dispatch ${latency.placedToAwaitingDispatch} ms, ` +
        `ShipmentDispatched → OrderConfirmed ${latency.dispatchToConfirmed} ms`,
    );
  }

  const bulkCustomers = options.bulkCustomers ?? 2_000;
  say(`registering ${bulkCustomers} customers for the bulk task`);
  for (let start = 0; start < bulkCustomers; start += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, bulkCustomers - start) }, (_, offset) =>
        api.post('/customers', {
          customerId: id(`bulk-${String(start + offset).padStart(5, '0')}`),
          name: 'Bulk',
          email: 'bulk@example.com',
        }),
      ),
    );
  }
  const requestedAt = Date.now();
  const bulk = await api.post<{ bulkId: string; workflowId: string; uiUrl: string | null }>(
    '/bulk/disable-all-customers',
    {
      reason: 'demo: closing every account',
    },
  );
  say(`DisableAllCustomers ${bulk.bulkId} → saga ${bulk.uiUrl ?? bulk.workflowId}`);
  let lastLine = '';
  const done = await until(
    async () => {
      const progress = await api.get<{
        status: string;
        total: number;
        processed: number;
        changed: number;
        unchanged: number;
        failed: number;
      }>(`/bulk/${bulk.bulkId}`);
      const line = `bulk ${progress.status}: ${progress.processed}/${progress.total} (disabled ${progress.changed}, already ${progress.unchanged}, failed ${progress.failed})`;
      if (line !== lastLine) say(line);
      lastLine = line;
      return progress.status === 'completed' || progress.status === 'cancelled' ? progress : undefined;
    },
    10 * 60_000,
    'the bulk task',
  );
  const seconds = (Date.now() - requestedAt) / 1000;
  figures.bulk = { customers: done.total, seconds, perSecond: done.total / seconds };
  say(
    `bulk: ${done.total} customers in ${seconds.toFixed(1)} s → ${figures.bulk.perSecond.toFixed(0)} customers/s (request → completed)`,
  );
  return figures;
}
