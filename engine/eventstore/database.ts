import os from 'node:os';
import { Client, Pool, type ClientConfig, type PoolConfig } from 'pg';
import { embeddedDatabaseUrl, embeddedPortFromEnv } from '../postgres/embeddedServer';

/** A short-lived client that cannot crash the process when its server goes away mid-call. */
function adminClient(url: string): Client {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client(connectionConfig(admin.toString()));
  client.on('error', () => {});
  return client;
}

export const defaultDatabaseUrl = 'postgres://127.0.0.1:5432/procession';

/** DATABASE_URL, with `embedded` standing for the embedded server's URL (see engine/postgres/target.ts). */
export function databaseUrlFromEnv(): string {
  const url = process.env.DATABASE_URL;
  if (url === 'embedded') return embeddedDatabaseUrl(embeddedPortFromEnv());
  return url || defaultDatabaseUrl;
}

/**
 * pg leaves the user empty when the URL has none and USER is unset (as under some CI runners);
 * libpq's rule is the OS user, so fill that in.
 */
export function connectionConfig(url: string): ClientConfig {
  const parsed = new URL(url);
  if (!parsed.username) parsed.username = process.env.PGUSER || os.userInfo().username;
  return { connectionString: parsed.toString() };
}

/** Raised when PostgreSQL does not answer at all, with the fix in the message. */
export class DatabaseUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    const fix = isEmbeddedServerUrl(url)
      ? 'The embedded PostgreSQL runs while `npm start` (with DATABASE_URL=embedded or unset) does: start that first, '
      : 'Start it (on Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) ';
    super(
      `PostgreSQL is not reachable at ${redact(url)} (${describe(cause)}). ` +
        `${fix}or set DATABASE_URL to a server that runs.`,
      { cause },
    );
    this.name = 'DatabaseUnreachableError';
  }
}

function isEmbeddedServerUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.hostname === '127.0.0.1' && parsed.port === String(embeddedPortFromEnv());
  } catch {
    return false;
  }
}

const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'EAI_AGAIN',
  '57P03',
]);

export function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  if (code && unreachableCodes.has(code)) return true;
  return error instanceof AggregateError && error.errors.some(isUnreachable);
}

export interface PoolOptions extends PoolConfig {
  /** Told of every connection PostgreSQL drops (terminated backend, restart, failover); default: ignored. */
  onConnectionError?: (error: Error) => void;
}

/**
 * A pool whose first connection is checked, so a dead server fails here with a clear message.
 *
 * A pg client emits 'error' when its server goes away (pg_terminate_backend, a restart, a failover), and
 * an 'error' event nobody listens to kills the process. pg-pool listens only while a client is idle and
 * removes its listener on checkout, so a client that is checked out but between queries (a LISTEN
 * connection, a lock holder, a transaction awaiting Temporal) would crash us. Every client therefore
 * gets a listener of its own for its whole life; the query in flight, or the next one, still fails, the
 * caller retries as for any transient error, and the pool discards the dead client on release.
 */
export async function openPool(url: string, options: PoolOptions = {}): Promise<Pool> {
  const { onConnectionError = () => {}, ...config } = options;
  const pool = new Pool({ ...connectionConfig(url), max: 10, ...config });
  pool.on('error', onConnectionError);
  pool.on('connect', (client) => client.on('error', onConnectionError));
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end();
    throw isUnreachable(error) ? new DatabaseUnreachableError(url, error) : error;
  }
  return pool;
}

/** Creates the database named in `url` when it does not exist yet (on a fresh machine). */
export async function ensureDatabaseExists(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) return;
  const client = adminClient(url);
  try {
    await client.connect();
  } catch (error) {
    throw isUnreachable(error) ? new DatabaseUnreachableError(url, error) : error;
  }
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database ${quoteIdentifier(name)}`);
  } catch (error) {
    // Two processes racing to create it is fine: the other one won.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await client.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  const client = adminClient(url);
  await client.connect();
  try {
    await client.query(`drop database if exists ${quoteIdentifier(name)} with (force)`);
  } finally {
    await client.end();
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

function describe(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(describe).join('; ');
  return (error as Error)?.message || String(error);
}
