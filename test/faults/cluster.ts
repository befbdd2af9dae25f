import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import type { Pool } from 'pg';
import { dropDatabase, ensureDatabaseExists, openPool } from '../../engine/eventstore/database';
import { migrate } from '../../engine/eventstore/migrate';
import { startDevServer, type DevServer } from '../../engine/temporal/devServer';
import { findFreePort } from '../../engine/temporal/freePort';
import { shopApplication } from '../../worker/application';
import { testApiKeysSpec, testKeys } from '../harness/apiKeys';
import { testDatabaseUrl } from '../harness/database';
import { RoleProcess } from '../../scripts/roleProcess';

export { RoleProcess };

export interface FaultCluster {
  databaseUrl: string;
  pool: Pool;
  temporal: { address: string; client: TemporalClient; connection: Connection };
  /** A dev server of the cluster's own, with its history in a file, so it can be killed and restarted. */
  devServer: DevServer;
  restartDevServer(): Promise<void>;
  killDevServer(): Promise<void>;
  spawn(name: string, roles: string, env?: Record<string, string>): Promise<RoleProcess>;
  processes: RoleProcess[];
  close(): Promise<void>;
}

/**
 * A database, a Temporal dev server and a workflow bundle of the scenario's own; `spawn` starts
 * Procession processes with the roles asked for against them.
 */
export async function startFaultCluster(label: string): Promise<FaultCluster> {
  const databaseUrl = testDatabaseUrl();
  await ensureDatabaseExists(databaseUrl);
  await migrate(databaseUrl, { readModels: shopApplication.readModelMigrations });
  const pool = await openPool(databaseUrl);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `procession-faults-${label}-`));
  const dbFile = path.join(dir, 'temporal.sqlite');
  const port = await findFreePort();
  let devServer = await startDevServer({ ui: false, port, dbFile });
  let connection = await Connection.connect({ address: devServer.address });
  const temporal = { address: devServer.address, connection, client: new TemporalClient({ connection }) };
  const processes: RoleProcess[] = [];
  const taskQueue = `faults-${label}`;
  const bundle = process.env.PROCESSION_TEST_WORKFLOW_BUNDLE;

  return {
    databaseUrl,
    pool,
    temporal,
    get devServer() {
      return devServer;
    },
    async killDevServer() {
      process.kill(devServer.pid, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 200));
    },
    async restartDevServer() {
      devServer = await startDevServer({ ui: false, port, dbFile });
      await connection.close().catch(() => {});
      connection = await Connection.connect({ address: devServer.address });
      temporal.connection = connection;
      temporal.client = new TemporalClient({ connection });
    },
    processes,
    async spawn(name, roles, env = {}) {
      const withApi = roles.split(',').includes('api');
      const role = new RoleProcess(
        name,
        {
          ROLE: roles,
          DATABASE_URL: databaseUrl,
          TEMPORAL_ADDRESS: devServer.address,
          TEMPORAL_NAMESPACE: 'default',
          API_KEYS: testApiKeysSpec,
          RATE_LIMIT_PER_MINUTE: '0',
          DEMO: 'off',
          TASK_QUEUE: taskQueue,
          ...(bundle ? { WORKFLOW_BUNDLE: bundle } : {}),
          ...env,
        },
        withApi ? await findFreePort() : undefined,
      );
      processes.push(role);
      await role.start();
      return role;
    },
    async close() {
      await Promise.all(processes.map((each) => each.stop()));
      await connection.close().catch(() => {});
      await devServer.stop();
      await pool.end();
      await dropDatabase(databaseUrl);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The admin key's header, for calls to a cluster's API. */
export const adminHeaders = { authorization: `Bearer ${testKeys.admin}` };

/** Calls an API process; a refused connection (it is being killed) answers status 0. */
export async function call<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  urlPath: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  try {
    const response = await fetch(`${baseUrl}${urlPath}`, {
      method,
      headers: {
        ...adminHeaders,
        ...headers,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  } catch {
    return { status: 0, body: {} as T };
  }
}

export const randomBetween = (low: number, high: number) => low + Math.random() * (high - low);
