import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { parseApiKeys } from '../engine/http/auth';
import { createActivities } from '../activities';
import { defineApplication } from '../engine/application/application';
import {
  databaseUrlFromEnv,
  dropDatabase,
  ensureDatabaseExists,
  openPool,
} from '../engine/eventstore/database';
import { migrate } from '../engine/eventstore/migrate';
import { startDevServer, type DevServer } from '../engine/temporal/devServer';
import { shopApplication } from '../worker/application';
import type { ProcessRole, RunningRoles } from '../engine/application/roles';
import { startShopRoles } from '../worker/procession';
import * as benchWorkflows from './benchWorkflows';

/** The shop with the baselines' bare workflows and a no-op activity added. */
export const benchApplication = defineApplication({
  ...shopApplication,
  workflows: benchWorkflows,
  workflowsPath: require.resolve('./benchWorkflows'),
  activities: (pool) => ({ ...createActivities(pool), noop: async () => {} }),
});

export const benchApiKey = 'bench-only-admin-key-0123456789';

/** A fresh database of the bench's own, migrated; dropped by `drop`. */
export async function freshDatabase(
  label: string,
): Promise<{ url: string; pool: Pool; drop(): Promise<void> }> {
  const url = new URL(databaseUrlFromEnv());
  url.pathname = `/procession_bench_${label}_${randomUUID().replace(/-/g, '').slice(0, 8)}`;
  await ensureDatabaseExists(url.toString());
  await migrate(url.toString(), { readModels: shopApplication.readModelMigrations });
  const pool = await openPool(url.toString(), { max: 24 });
  return {
    url: url.toString(),
    pool,
    drop: async () => {
      await pool.end();
      await dropDatabase(url.toString());
    },
  };
}

/**
 * The bench's Temporal server: the one TEMPORAL_ADDRESS names (a cluster from `npm run temporal:cluster`,
 * left running), else a dev server of its own on TEMPORAL_PORT when set, else on a free port.
 */
export function benchDevServer(): Promise<DevServer> {
  const external = process.env.TEMPORAL_ADDRESS;
  if (external) {
    return Promise.resolve({
      address: external,
      namespace: process.env.TEMPORAL_NAMESPACE || 'default',
      pid: -1,
      stop: async () => {},
    });
  }
  const port = process.env.TEMPORAL_PORT ? Number(process.env.TEMPORAL_PORT) : 0;
  return startDevServer({ ui: false, port });
}

/** Procession with the roles asked for, against a fresh database, on a task queue of its own. */
export interface BenchContext {
  server: DevServer;
  /** The bench workflows, bundled once for every worker the bench starts. */
  bundle: { code: string };
  quick: boolean;
  /** `--split`: figures that can run Procession's roles as processes of their own do so. */
  split?: boolean;
  /** `--profile <dir>`: the API process of the commands figure writes its CPU profile there. */
  profileDir?: string;
}

export async function benchProcession(
  context: BenchContext,
  label: string,
  roles: readonly ProcessRole[],
  settings: Parameters<typeof startShopRoles>[0]['settings'] = {},
): Promise<{ running: RunningRoles; drop(): Promise<void>; url: string }> {
  const { server } = context;
  const database = await freshDatabase(label);
  await database.pool.end();
  const running = await startShopRoles({
    roles,
    databaseUrl: database.url,
    application: benchApplication,
    temporal: { connectionOptions: { address: server.address }, namespace: server.namespace },
    taskQueue: `bench-${label}-${randomUUID()}`,
    port: roles.includes('api') ? 0 : undefined,
    apiKeys: parseApiKeys(`admin:${benchApiKey}`),
    settings,
    workflowBundle: context.bundle,
  });
  return {
    running,
    url: database.url,
    drop: async () => {
      await running.stop();
      await dropDatabase(database.url);
    },
  };
}
