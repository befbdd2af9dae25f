import type { Queryable } from '../../engine/eventstore';

export interface CustomerView {
  customerId: string;
  name: string;
  email: string;
  status: 'active' | 'disabled';
  disabledReason: string | null;
  version: number;
  /** bigint as a decimal string. */
  registeredPosition: string;
  updatedAt: Date;
}

interface CustomerRow {
  customer_id: string;
  name: string;
  email: string;
  status: 'active' | 'disabled';
  disabled_reason: string | null;
  version: number;
  registered_position: string;
  updated_at: Date;
}

// global_position is a bigint: read it as text so no value past 2^53 is rounded.
const customerColumns = `customer_id, name, email, status, disabled_reason, version,
  registered_position::text as registered_position, updated_at`;

const toView = (row: CustomerRow): CustomerView => ({
  customerId: row.customer_id,
  name: row.name,
  email: row.email,
  status: row.status,
  disabledReason: row.disabled_reason,
  version: row.version,
  registeredPosition: row.registered_position,
  updatedAt: row.updated_at,
});

export async function getCustomerView(db: Queryable, customerId: string): Promise<CustomerView | undefined> {
  const result = await db.query<CustomerRow>(
    `select ${customerColumns} from customers where customer_id = $1`,
    [customerId],
  );
  return result.rows[0] && toView(result.rows[0]);
}

/** A page of customers ordered by id, after `after` (keyset pagination). */
export async function listCustomerViews(
  db: Queryable,
  query: { status?: 'active' | 'disabled'; after?: string; limit: number },
): Promise<CustomerView[]> {
  const result = await db.query<CustomerRow>(
    `select ${customerColumns} from customers
     where ($1::text is null or status = $1) and ($2::text is null or customer_id > $2)
     order by customer_id limit $3`,
    [query.status ?? null, query.after ?? null, query.limit],
  );
  return result.rows.map(toView);
}

/** What a customer has spent, per currency; totals as decimal strings (a sum may pass 2^53 cents). */
export interface CustomerSpending {
  currency: string;
  orders: number;
  totalCents: string;
}

export async function getCustomerSpending(db: Queryable, customerId: string): Promise<CustomerSpending[]> {
  const result = await db.query<CustomerSpending>(
    `select currency, count(*)::int as orders, sum(total_cents)::text as "totalCents"
     from customer_orders where customer_id = $1 group by currency order by currency`,
    [customerId],
  );
  return result.rows;
}
