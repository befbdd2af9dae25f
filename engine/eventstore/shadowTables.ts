import type { Pool, PoolClient } from 'pg';
import { quoteIdentifier } from './database';
import type { Queryable } from './types';

/**
 * A read model's second set of tables, for a blue/green rebuild: same names, same shape, in a schema of
 * their own. A batch put on the rebuild's search path (shadow schema first) writes there with the
 * projection's own unqualified SQL; the swap moves the live tables out and the shadow ones in.
 */
export interface ShadowSet {
  schema: string;
  /** The replaced tables go here at the swap, and are dropped right after it. */
  retiredSchema: string;
  tables: readonly string[];
  /** Each table's live schema: where the projection's unqualified names resolve today. */
  liveSchemas: ReadonlyMap<string, string>;
}

const identifierLimit = 63;

/** A read model this kind of rebuild cannot copy faithfully; the plain rebuild (in place) still can. */
export class OnlineRebuildRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnlineRebuildRefused';
  }
}

export function shadowSchemaNames(readModel: string): { schema: string; retiredSchema: string } {
  const word = readModel.toLowerCase();
  const names = { schema: `procession_rebuild_${word}`, retiredSchema: `procession_retired_${word}` };
  // PostgreSQL truncates longer names silently, and two read models could then share a schema.
  if (names.retiredSchema.length > identifierLimit)
    throw new OnlineRebuildRefused(
      `read model name '${readModel}' is too long for an online rebuild's schema names`,
    );
  return names;
}

export async function schemaExists(db: Queryable, schema: string): Promise<boolean> {
  const { rowCount } = await db.query('select 1 from pg_namespace where nspname = $1', [schema]);
  return rowCount === 1;
}

export async function dropSchema(db: Queryable, schema: string): Promise<void> {
  await db.query(`drop schema if exists ${quoteIdentifier(schema)} cascade`);
}

/**
 * Whether a shadow set left by an interrupted rebuild still has the live tables' columns: a read model
 * migrated in between would otherwise be swapped in without its new columns.
 */
export async function shadowMatchesLive(
  db: Queryable,
  schema: string,
  tables: readonly string[],
): Promise<boolean> {
  const { rows } = await db.query<{ matches: boolean }>(
    `with columns as (
       select t.name, c.relnamespace = (select oid from pg_namespace where nspname = $1) as shadow,
              string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull, ', '
                         order by a.attname) as shape
       from unnest($2::text[]) as t(name)
       join pg_class c on c.relname = t.name
         and (c.relnamespace = (select oid from pg_namespace where nspname = $1) or c.oid = to_regclass(quote_ident(t.name)))
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
       group by t.name, c.relnamespace)
     select coalesce(bool_and(live.shape = copy.shape), true) as matches
     from columns live join columns copy on copy.name = live.name and copy.shadow and not live.shadow`,
    [schema, tables],
  );
  return rows[0]!.matches;
}

/**
 * Finds each table's live schema and refuses what a copy by `like … including all` would silently lose:
 * foreign keys (not copied) and column defaults drawing from a sequence the live table owns (dropped
 * with it after the swap).
 */
async function liveSchemasOf(db: Queryable, tables: readonly string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{
    name: string;
    schema: string | null;
    foreign_keys: boolean;
    sequence_defaults: boolean;
  }>(
    `select t.name, n.nspname as schema,
       exists (select 1 from pg_constraint k where k.conrelid = c.oid and k.contype = 'f') as foreign_keys,
       exists (select 1 from pg_attrdef d where d.adrelid = c.oid
               and pg_get_expr(d.adbin, d.adrelid) like 'nextval(%') as sequence_defaults
     from unnest($1::text[]) with ordinality as t(name, place)
     left join pg_class c on c.oid = to_regclass(quote_ident(t.name))
     left join pg_namespace n on n.oid = c.relnamespace
     order by t.place`,
    [tables],
  );
  const schemas = new Map<string, string>();
  for (const row of rows) {
    if (row.schema === null)
      throw new OnlineRebuildRefused(
        `read model table '${row.name}' does not exist: are its migrations applied?`,
      );
    if (row.foreign_keys)
      throw new OnlineRebuildRefused(
        `table '${row.name}' has foreign keys, which an online rebuild cannot copy; rebuild it in place`,
      );
    if (row.sequence_defaults)
      throw new OnlineRebuildRefused(
        `table '${row.name}' draws a default from a sequence it owns, which an online rebuild cannot copy; rebuild it in place`,
      );
    schemas.set(row.name, row.schema);
  }
  return schemas;
}

/**
 * Creates the shadow schema and a copy of each live table's shape (columns, defaults, checks, indexes),
 * unless it is there already (a rebuild resumed). Copied indexes are given the live ones' names, so a
 * later migration that names an index still finds it after the swap.
 */
export async function prepareShadowSet(
  pool: Pool,
  readModel: string,
  tables: readonly string[],
): Promise<ShadowSet> {
  const { schema, retiredSchema } = shadowSchemaNames(readModel);
  const liveSchemas = await liveSchemasOf(pool, tables);
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(`create schema if not exists ${quoteIdentifier(schema)}`);
    for (const table of tables) {
      const shadow = `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
      const live = `${quoteIdentifier(liveSchemas.get(table)!)}.${quoteIdentifier(table)}`;
      const created = await client.query(
        `select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname = $2`,
        [schema, table],
      );
      if (created.rowCount === 1) continue;
      await client.query(`create table ${shadow} (like ${live} including all)`);
      await nameIndexesAsLive(client, shadow, live);
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
  return { schema, retiredSchema, tables, liveSchemas };
}

async function nameIndexesAsLive(client: PoolClient, shadow: string, live: string): Promise<void> {
  // An index's definition without its own name and table: what a copy and its original share.
  const shapeOf = (index: string) =>
    `regexp_replace(pg_get_indexdef(${index}.indexrelid), '^CREATE (UNIQUE )?INDEX \\S+ ON \\S+', '\\1')`;
  const { rows } = await client.query<{ copy: string; original: string }>(
    `select copy_class.relname as copy, live_class.relname as original
     from pg_index copy_index
     join pg_class copy_class on copy_class.oid = copy_index.indexrelid
     join pg_index live_index on live_index.indrelid = $2::regclass
     join pg_class live_class on live_class.oid = live_index.indexrelid
     where copy_index.indrelid = $1::regclass and copy_class.relname <> live_class.relname
       and ${shapeOf('copy_index')} = ${shapeOf('live_index')}`,
    [shadow, live],
  );
  const schema = shadow.slice(0, shadow.indexOf('.'));
  for (const row of rows)
    await client.query(
      `alter index ${schema}.${quoteIdentifier(row.copy)} rename to ${quoteIdentifier(row.original)}`,
    );
}

/**
 * In the caller's transaction: moves the live tables into the retired schema and the shadow tables into
 * the live one. Readers and writers name tables unqualified, so the next statement after the commit
 * reads the new set; until then they read the old one (the moves take each table's exclusive lock).
 */
export async function swapShadowSet(client: PoolClient, set: ShadowSet): Promise<void> {
  const retired = quoteIdentifier(set.retiredSchema);
  await client.query(`create schema if not exists ${retired}`);
  for (const table of set.tables)
    await client.query(
      `alter table ${quoteIdentifier(set.liveSchemas.get(table)!)}.${quoteIdentifier(table)} set schema ${retired}`,
    );
  for (const table of set.tables)
    await client.query(
      `alter table ${quoteIdentifier(set.schema)}.${quoteIdentifier(table)} set schema ${quoteIdentifier(set.liveSchemas.get(table)!)}`,
    );
}
