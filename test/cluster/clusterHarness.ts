import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import type { Pool } from 'pg';
import { dropDatabase, ensureDatabaseExists, openPool } from '../../engine/eventstore/database';
import { migrate } from '../../engine/eventstore/migrate';
import { dropClusterDatabases } from '../../engine/temporal/cluster/clusterDatabases';
import { portsPerCluster } from '../../engine/temporal/cluster/clusterLayout';
import { startTemporalCluster, type TemporalCluster } from '../../engine/temporal/cluster/temporalCluster';
import { findFreePort, findFreePortRange } from '../../engine/temporal/freePort';
import { RoleProcess, smallPoolSize } from '../../scripts/roleProcess';
import { resolveTemporalServer } from '../../scripts/temporal-server';
import { testApiKeysSpec } from '../harness/apiKeys';
import { stopOrderStreams } from './shopWorkload';
import { testDatabaseUrl } from '../harness/database';
import { shopApplication } from '../../worker/application';

export interface ClusterScenario {
  databaseUrl: string;
  pool: Pool;
  cluster: TemporalCluster;
  temporal: TemporalClient;
  spawn(name: string, roles: string, env?: Record<string, string>): Promise<RoleProcess>;
  processes: RoleProcess[];
  /** kill -9 one of the cluster's processes, wait `downMs`, start it again; resolves when it serves again. */
  killAndRestart(
    name: string,
    downMs: number,
  ): Promise<{ killedAt: number; restartedAt: number; servingMs: number }>;
  /** Runs the scenario's body; on failure prints what every process said, the only trace in CI. */
  withLogsOnFailure(body: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/**
 * A Procession database and a Temporal cluster of the scenario's own (frontend, two history processes,
 * matching, worker, on PostgreSQL); `spawn` starts Procession processes against it.
 */
export async function startClusterScenario(label: string): Promise<ClusterScenario> {
  const databaseUrl = testDatabaseUrl();
  await ensureDatabaseExists(databaseUrl);
  await migrate(databaseUrl, { readModels: shopApplication.readModelMigrations });
  const pool = await openPool(databaseUrl);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `procession-cluster-${label}-`));
  const binaries = await resolveTemporalServer();
  const started = Date.now();
  const cluster = await startTemporalCluster({
    databaseUrl,
    frontendPort: await findFreePortRange(portsPerCluster),
    dir,
    binaries: { server: binaries.server, sqlTool: binaries.sqlTool },
  });
  console.log(`[cluster] ${label}: cluster serving in ${Date.now() - started} ms (logs in ${dir}/logs)`);
  const connection = await Connection.connect({ address: cluster.address });
  const temporal = new TemporalClient({ connection });
  const processes: RoleProcess[] = [];
  const bundle = process.env.PROCESSION_TEST_WORKFLOW_BUNDLE;

  return {
    databaseUrl,
    pool,
    cluster,
    temporal,
    processes,
    async spawn(name, roles, env = {}) {
      const withApi = roles.split(',').includes('api');
      const role = new RoleProcess(
        name,
        {
          ROLE: roles,
          DATABASE_URL: databaseUrl,
          DATABASE_POOL_SIZE: smallPoolSize(roles, shopApplication.projections.length),
          TEMPORAL_ADDRESS: cluster.address,
          TEMPORAL_NAMESPACE: 'default',
          API_KEYS: testApiKeysSpec,
          RATE_LIMIT_PER_MINUTE: '0',
          DEMO: 'off',
          TASK_QUEUE: `cluster-${label}`,
          ...(bundle ? { WORKFLOW_BUNDLE: bundle } : {}),
          ...env,
        },
        withApi ? await findFreePort() : undefined,
      );
      processes.push(role);
      await role.start();
      return role;
    },
    async killAndRestart(name, downMs) {
      const target = cluster.process(name);
      await target.kill();
      const killedAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      target.start();
      const restartedAt = Date.now();
      await cluster.waitUntilServing(120_000);
      return { killedAt, restartedAt, servingMs: Date.now() - restartedAt };
    },
    async withLogsOnFailure(body) {
      try {
        await body();
      } catch (error) {
        const temporalLogs = cluster.processes.map((each) => each.recentOutput()).join('\n');
        console.log(
          `[cluster] ${label} failed; Procession said:\n${processes.map((each) => each.logs()).join('\n')}\nTemporal said:\n${temporalLogs}`,
        );
        throw error;
      }
    },
    async close() {
      await stopOrderStreams();
      await Promise.all(processes.map((each) => each.stop()));
      await connection.close().catch(() => {});
      await cluster.stop();
      await pool.end();
      await dropDatabase(databaseUrl);
      await dropClusterDatabases(cluster.databases);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What Temporal knows of a saga that did not get where the scenario expected, for the failure output. */
export async function describeSaga(scenario: ClusterScenario, workflowId: string): Promise<string> {
  try {
    const handle = scenario.temporal.workflow.getHandle(workflowId);
    const description = await handle.describe();
    const history = await handle.fetchHistory();
    const events = (history.events ?? []).slice(-8).map((event) => `${event.eventId} ${event.eventType}`);
    return `${workflowId}: ${description.status.name}, ${history.events?.length} events, last: ${events.join(', ')}`;
  } catch (error) {
    return `${workflowId}: ${String(error)}`;
  }
}
