import { processRoles, type ProcessRole } from './roles';

/**
 * ROLE: `all` (the default) or a comma-separated list of `temporal`, `api`, `worker`, `relay`,
 * `projections`. `all` starts the Temporal dev server too, unless TEMPORAL_ADDRESS names a server.
 */
export function parseRoleList(spec = 'all'): { temporalServer: boolean; roles: ProcessRole[] } {
  const names = spec
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0 || names.includes('all')) {
    if (names.length > 1) throw new Error(`ROLE=${spec}: 'all' stands alone`);
    return { temporalServer: !process.env.TEMPORAL_ADDRESS, roles: [...processRoles] };
  }
  const known = ['temporal', ...processRoles];
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0)
    throw new Error(
      `ROLE=${spec}: unknown role ${unknown.join(', ')}; use all or any of ${known.join(', ')}`,
    );
  if (names.includes('temporal') && process.env.TEMPORAL_ADDRESS)
    throw new Error(`ROLE=${spec}: TEMPORAL_ADDRESS names a server already; drop the temporal role`);
  return {
    temporalServer: names.includes('temporal'),
    roles: processRoles.filter((role) => names.includes(role)),
  };
}

export function portFromEnv(): number {
  return portNumber('PORT', process.env.PORT ?? '3000');
}

function portNumber(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    throw new Error(`${name}=${raw} is not a port number.`);
  return value;
}

/** METRICS_PORT: this process's own key-less /metrics listener, on METRICS_HOST (default loopback). */
export function metricsListenerFromEnv(): { port: number; host: string } | undefined {
  const raw = process.env.METRICS_PORT;
  if (raw === undefined || raw === '') return undefined;
  return { port: portNumber('METRICS_PORT', raw), host: process.env.METRICS_HOST || '127.0.0.1' };
}

/** TEMPORAL_METRICS_PORT: where the Temporal SDK's Prometheus exporter listens (on METRICS_HOST). */
export function temporalMetricsAddressFromEnv(): string | undefined {
  const raw = process.env.TEMPORAL_METRICS_PORT;
  if (raw === undefined || raw === '') return undefined;
  const port = portNumber('TEMPORAL_METRICS_PORT', raw);
  const host = process.env.METRICS_HOST || '127.0.0.1';
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** RATE_LIMIT_PER_MINUTE requests per API key (default 6000; 0 turns the limit off). */
export function rateLimitFromEnv(): number {
  const raw = process.env.RATE_LIMIT_PER_MINUTE ?? '6000';
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`RATE_LIMIT_PER_MINUTE=${raw} is not a whole number.`);
  return value;
}

export function positiveInteger(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name}=${raw} is not a whole number of at least 1.`);
  return value;
}

/** BODY_LIMIT_BYTES: the largest request body the API accepts (default 1 MiB). */
export function bodyLimitFromEnv(): number | undefined {
  const raw = process.env.BODY_LIMIT_BYTES;
  return raw ? positiveInteger('BODY_LIMIT_BYTES', raw) : undefined;
}

/**
 * DATABASE_POOL_SIZE: PostgreSQL connections one process may hold (default 20). Lower it when many
 * processes share one server: their pools together must stay under its max_connections.
 */
export function databasePoolSizeFromEnv(): number {
  const raw = process.env.DATABASE_POOL_SIZE;
  return raw ? positiveInteger('DATABASE_POOL_SIZE', raw) : 20;
}
