import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { eventually } from '../../engine/testing/eventually';
import { call } from '../faults/cluster';
import { countsBy } from '../faults/seed';

const address = { name: 'C', line1: '1 Cluster Rd', city: 'York', postalCode: 'YO1', country: 'GB' };

/**
 * Sends a command until one of `accept` answers, always with the same idempotency key, as a client that
 * retries through a failing process or load balancer does; answers with the body and how many tries.
 */
export async function send<T>(
  baseUrls: readonly string[],
  urlPath: string,
  body: unknown,
  accept: number[],
  timeoutMs = 120_000,
): Promise<T> {
  const key = randomUUID();
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    const baseUrl = baseUrls[attempt % baseUrls.length]!;
    const answer = await call<T>(baseUrl, 'POST', urlPath, body, { 'idempotency-key': key });
    if (accept.includes(answer.status)) return answer.body;
    if (Date.now() > deadline)
      throw new Error(`POST ${urlPath}: last answer ${answer.status} ${JSON.stringify(answer.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export interface OrderStream {
  /** The orders accepted so far, in the order they were placed. */
  ids: string[];
  /** Requests answered with anything but 202 on a first try (a retry with the same key followed). */
  refusals: number;
  stop(): Promise<void>;
}

/** A customer and stock for `orders` orders of one unit each; answers what placing an order needs. */
export async function prepareShop(baseUrls: readonly string[], stock: number) {
  const { customerId } = await send<{ customerId: string }>(
    baseUrls,
    '/customers',
    { name: 'C', email: 'c@example.com' },
    [201],
  );
  const sku = `sku-${randomUUID()}`;
  await send(baseUrls, `/inventory/${sku}/receive`, { quantity: stock }, [200]);
  return { customerId, sku };
}

const openStreams = new Set<OrderStream>();

/** Stops every stream still placing orders (a failed scenario leaves its stream running otherwise). */
export async function stopOrderStreams(): Promise<void> {
  await Promise.all([...openStreams].map((stream) => stream.stop()));
}

/** Places orders at a steady rate, round-robin over the APIs, until stopped. */
export function streamOrders(
  baseUrls: readonly string[],
  shop: { customerId: string; sku: string },
  perSecond: number,
): OrderStream {
  const stream: OrderStream = { ids: [], refusals: 0, stop: async () => {} };
  let running = true;
  const inFlight = new Set<Promise<void>>();
  const placeOne = async (index: number) => {
    const key = randomUUID();
    // After a stop, an order still retrying is dropped: it was never answered, so it is not in `ids`.
    for (let attempt = 0; running || attempt === 0; attempt++) {
      const answer = await call<{ orderId: string }>(
        baseUrls[(index + attempt) % baseUrls.length]!,
        'POST',
        '/orders',
        {
          customerId: shop.customerId,
          lines: [{ sku: shop.sku, quantity: 1, unitPriceCents: 100 }],
          paymentMethod: 'pm_card_ok',
          shippingAddress: address,
        },
        { 'idempotency-key': key },
      );
      if (answer.status === 202) {
        stream.ids.push(answer.body.orderId);
        return;
      }
      if (attempt === 0) stream.refusals++;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const loop = (async () => {
    for (let index = 0; running; index++) {
      const placing = placeOne(index).finally(() => inFlight.delete(placing));
      inFlight.add(placing);
      await new Promise((resolve) => setTimeout(resolve, 1_000 / perSecond));
    }
  })();
  stream.stop = async () => {
    running = false;
    openStreams.delete(stream);
    await loop;
    await Promise.all(inFlight);
  };
  openStreams.add(stream);
  return stream;
}

const step = async (baseUrl: string, orderId: string) =>
  (await call<{ progress: { step?: string } | null }>(baseUrl, 'GET', `/sagas/order-fulfillment:${orderId}`))
    .body.progress?.step;

/** Waits until the order's saga awaits dispatch; answers when (ms since the epoch). */
export async function awaitingDispatch(
  baseUrl: string,
  orderId: string,
  timeoutMs = 180_000,
): Promise<number> {
  await eventually(
    async () => ((await step(baseUrl, orderId)) === 'awaiting dispatch' ? true : undefined),
    timeoutMs,
    `order ${orderId}'s saga to await dispatch`,
  );
  return Date.now();
}

/**
 * Dispatches every order once its saga awaits it, then checks the end of each: exactly one
 * OrderConfirmed, no OrderCancelled, nothing parked. Answers the counts the scenario reports.
 */
export async function dispatchAndConfirmAll(pool: Pool, baseUrls: readonly string[], ids: readonly string[]) {
  await Promise.all(
    ids.map(async (orderId, index) => {
      await awaitingDispatch(baseUrls[index % baseUrls.length]!, orderId);
      await send(baseUrls, `/shipments/${orderId}/dispatch`, undefined, [200]);
    }),
  );
  const streams = ids.map((id) => `order-${id}`);
  const confirmed = await eventually(
    async () => {
      const counts = await countsBy(
        pool,
        `select stream_id as key, count(*) from events
         where event_type = 'OrderConfirmed' and stream_id = any($1) group by stream_id`,
        [streams],
      );
      return counts.size === ids.length ? counts : undefined;
    },
    180_000,
    'every order to be confirmed',
  );
  const cancelled = await countsBy(
    pool,
    `select 'all' as key, count(*) from events where event_type = 'OrderCancelled' and stream_id = any($1)`,
    [streams],
  );
  return {
    orders: ids.length,
    confirmedTwice: [...confirmed.values()].filter((count) => count > 1).length,
    cancelled: cancelled.get('all') ?? 0,
  };
}

/** Parked events of the scenario's database: a fault must not leave any. */
export async function parkedCount(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ count: string }>(
    `select count(*) from parked_events where status = 'parked'`,
  );
  return Number(rows[0]!.count);
}

/** A bulk task's progress as `GET /bulk/:id` answers it. */
export interface BulkProgress {
  status: string;
  total: number;
  processed: number;
  changed: number;
  failed: number;
}

/** Waits until the bulk task reports completed (`progress` answers undefined while no API can say). */
export function bulkCompleted(progress: () => Promise<BulkProgress | undefined>): Promise<BulkProgress> {
  return eventually(
    async () => {
      const now = await progress();
      return now?.status === 'completed' ? now : undefined;
    },
    300_000,
    'the bulk task to complete',
  );
}

/** Of these customers, how many have no CustomerDisabled (lost) and how many more than one (doubled). */
export async function disabledOnce(pool: Pool, customerIds: readonly string[]) {
  const disabled = await countsBy(
    pool,
    `select stream_id as key, count(*) from events
     where event_type = 'CustomerDisabled' and stream_id = any($1) group by stream_id`,
    [customerIds.map((id) => `customer-${id}`)],
  );
  return {
    lost: customerIds.length - disabled.size,
    doubled: [...disabled.values()].filter((count) => count > 1).length,
  };
}
