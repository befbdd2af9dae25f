import type { BulkItemSet } from '../../engine/bulk';
import type { LogPosition, Queryable } from '../../engine/eventstore';
import { customersProjection } from './customersProjection';

// Bulk-task item sets over the customers read model. Each is bounded by the request's place in the log
// (`asOf`), on a position column that only moves forward, so once the read model has reached the request
// a set is the same on every call: later registrations and later disables fall outside it.

async function idsPage(db: Queryable, sql: string, values: unknown[]): Promise<string[]> {
  const result = await db.query<{ customer_id: string }>(sql, values);
  return result.rows.map((row) => row.customer_id);
}

async function count(db: Queryable, sql: string, values: unknown[]): Promise<number> {
  const result = await db.query<{ count: string }>(sql, values);
  return Number(result.rows[0]!.count);
}

const registeredBefore = `(registered_transaction_id, registered_position) <= ($1::xid8, $2::bigint)`;
const at = (asOf: LogPosition) => [asOf.transactionId, asOf.globalPosition];

/** Every customer registered before the request. */
export const customersRegisteredBeforeRequest: BulkItemSet<unknown> = {
  readModel: customersProjection,
  count: (db, { asOf }) => count(db, `select count(*) from customers where ${registeredBefore}`, at(asOf)),
  page: (db, { asOf }, { after, upTo, limit }) =>
    idsPage(
      db,
      `select customer_id from customers where ${registeredBefore}
         and ($3::text is null or customer_id > $3) and ($4::text is null or customer_id <= $4)
       order by customer_id limit $5`,
      [...at(asOf), after, upTo, limit],
    ),
};

const disabledForBefore = `status = 'disabled' and disabled_reason = $3
  and (disabled_transaction_id, disabled_position) <= ($1::xid8, $2::bigint)`;

/**
 * The customers that, as of the request, were disabled with the reason given. One enabled since drops out
 * of the set (the read model no longer says disabled), which only makes the set smaller.
 */
export const customersDisabledForBeforeRequest: BulkItemSet<{ disabledReason: string }> = {
  readModel: customersProjection,
  count: (db, { asOf, params }) =>
    count(db, `select count(*) from customers where ${disabledForBefore}`, [
      ...at(asOf),
      params.disabledReason,
    ]),
  page: (db, { asOf, params }, { after, upTo, limit }) =>
    idsPage(
      db,
      `select customer_id from customers where ${disabledForBefore}
         and ($4::text is null or customer_id > $4) and ($5::text is null or customer_id <= $5)
       order by customer_id limit $6`,
      [...at(asOf), params.disabledReason, after, upTo, limit],
    ),
};
