import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { Client as PgClient } from 'pg';
import { connectionConfig } from '../engine/eventstore/database';
import { findFreePort } from '../engine/temporal/freePort';
import { RoleProcess } from '../scripts/roleProcess';
import { benchApiKey, freshDatabase, type BenchContext } from './context';
import { percentile, seconds } from './stats';

export interface CommandFigures {
  requests: number;
  clients: number;
  perSecond: number;
  p99: number;
  baselinePerSecond: number;
  baselineP99: number;
}

/** `clients` loops, each doing `work` until `total` have been done; per-call latencies in ms. */
async function load(clients: number, total: number, work: (client: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (next++ < total) {
        const before = performance.now();
        await work(client);
        latencies.push(performance.now() - before);
      }
    }),
  );
  return { perSecond: total / seconds(started), p99: percentile(latencies, 99) };
}

/** One POST over a keep-alive connection; resolves with the status once the body has been read. */
function post(agent: http.Agent, port: number, path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        port,
        host: '127.0.0.1',
        path,
        method: 'POST',
        headers: {
          authorization: `Bearer ${benchApiKey}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * POST /customers from 16 concurrent keep-alive clients against an API process of its own (as deployed:
 * `ROLE=api`), so the load generator does not share its event loop. Baseline: 16 PostgreSQL connections,
 * each committing one-row insert transactions of the same rows (a CustomerRegistered event), fsync on.
 */
export async function commandFigures(
  context: BenchContext,
  requests: number,
  clients = 16,
): Promise<CommandFigures> {
  const database = await freshDatabase('commands');
  const port = await findFreePort();
  const api = new RoleProcess(
    'api',
    {
      ROLE: 'api',
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: context.server.address,
      API_KEYS: `admin:${benchApiKey}`,
      RATE_LIMIT_PER_MINUTE: '0',
      DEMO: 'off',
    },
    port,
    context.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${context.profileDir}`] : [],
  );
  await api.start();
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const connections: PgClient[] = [];
  try {
    for (let i = 0; i < clients; i++) {
      const connection = new PgClient(connectionConfig(database.url));
      await connection.connect();
      connections.push(connection);
    }
    const run = randomUUID().slice(0, 8);
    const baseline = await load(clients, requests, async (client) => {
      const customerId = `base-${run}-${randomUUID()}`;
      await connections[client]!.query(
        `insert into events (event_id, stream_id, stream_version, event_type, data, metadata)
         values ($1, $2, 1, 'CustomerRegistered', $3, $4)`,
        [
          randomUUID(),
          `customer-${customerId}`,
          JSON.stringify({ customerId, name: 'Bench', email: 'bench@example.com' }),
          JSON.stringify({
            commandId: randomUUID(),
            actor: 'bench',
            correlationId: randomUUID(),
            causationId: 'x',
          }),
        ],
      );
    });
    const body = JSON.stringify({ name: 'Bench', email: 'bench@example.com' });
    await post(agent, port, '/customers', body); // warm the route up
    const ours = await load(clients, requests, async () => {
      const status = await post(agent, port, '/customers', body);
      if (status !== 201) throw new Error(`POST /customers → ${status}`);
    });
    return {
      requests,
      clients,
      perSecond: ours.perSecond,
      p99: ours.p99,
      baselinePerSecond: baseline.perSecond,
      baselineP99: baseline.p99,
    };
  } finally {
    agent.destroy();
    await Promise.all(connections.map((connection) => connection.end()));
    await api.stop();
    await database.drop();
  }
}
