import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { ensureSearchAttributes } from '../searchAttributeRegistry';
import { dynamicConfig, serviceConfig } from './clusterConfig';
import { clusterDatabasesFor, clusterMetadataWritten, prepareClusterDatabases } from './clusterDatabases';
import { clusterLayout, type ClusterLayout } from './clusterLayout';
import { waitUntilClusterServes } from './clusterReadiness';
import { ServerProcess } from './serverProcess';
import { startUiServer, type UiServer } from './uiServer';

export interface TemporalClusterOptions {
  /** Procession's database: the cluster's two databases are named after it, on the same server. */
  databaseUrl: string;
  /** The frontend's gRPC port; every other port is derived from it (see clusterLayout). */
  frontendPort: number;
  /** Where configs and logs go. */
  dir: string;
  binaries: { server: string; sqlTool: string; ui?: string };
  uiPort?: number;
  historyProcesses?: number;
  historyShards?: number;
  namespace?: string;
  /** How long the namespace's runs are kept after they close. */
  retentionDays?: number;
  log?: (line: string) => void;
}

async function firstProcessWroteMetadata(
  first: ServerProcess,
  databases: ReturnType<typeof clusterDatabasesFor>,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await clusterMetadataWritten(databases))) {
    if (!first.alive) throw new Error(`Temporal ${first.name} exited at start:\n${first.recentOutput()}`);
    if (Date.now() > deadline) {
      throw new Error(
        `Temporal ${first.name} wrote no cluster metadata within 60s:\n${first.recentOutput()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export interface TemporalCluster {
  address: string;
  namespace: string;
  uiUrl?: string;
  layout: ClusterLayout;
  databases: ReturnType<typeof clusterDatabasesFor>;
  /** By name: `frontend`, `history-1`, `history-2`, `matching`, `worker`. */
  process(name: string): ServerProcess;
  processes: ServerProcess[];
  /** Waits until the frontend answers and the namespace takes a workflow again (after a restart). */
  waitUntilServing(timeoutMs?: number): Promise<void>;
  /** Stops the services in order: UI, frontend, worker, matching, history. */
  stop(): Promise<void>;
}

/**
 * A Temporal cluster as production runs one, on this machine: frontend, matching, worker and history
 * (two processes sharing the shards) as separate OS processes, persistence and visibility in PostgreSQL,
 * the namespace and Procession's search attributes registered.
 */
export async function startTemporalCluster(options: TemporalClusterOptions): Promise<TemporalCluster> {
  const log = options.log ?? (() => {});
  const namespace = options.namespace ?? 'default';
  const layout = clusterLayout(options.frontendPort, options.historyProcesses, options.historyShards);
  const databases = clusterDatabasesFor(options.databaseUrl);
  log(`preparing databases ${databases.persistence} and ${databases.visibility}`);
  await prepareClusterDatabases(options.binaries.sqlTool, databases);

  const dynamicConfigFile = path.join(options.dir, 'config', 'dynamicconfig.yaml');
  // The configs hold the database password: readable by this user only.
  fs.mkdirSync(path.dirname(dynamicConfigFile), { recursive: true, mode: 0o700 });
  fs.writeFileSync(dynamicConfigFile, dynamicConfig());
  const processes = layout.processes.map((spec) => {
    const configDir = path.join(options.dir, 'config', spec.name);
    fs.mkdirSync(configDir, { recursive: true });
    const config = serviceConfig(layout, spec, databases, dynamicConfigFile);
    fs.writeFileSync(path.join(configDir, 'procession.yaml'), `${JSON.stringify(config, null, 2)}\n`, {
      mode: 0o600,
    });
    return new ServerProcess(spec, options.binaries.server, options.dir);
  });
  const address = `127.0.0.1:${layout.frontendPort}`;
  let ui: UiServer | undefined;
  const stop = async () => {
    await ui?.stop();
    for (const each of [...processes].reverse()) await each.stop();
  };
  const waitUntilServing = (timeoutMs = 120_000) =>
    waitUntilClusterServes({
      address,
      namespace,
      processes,
      timeoutMs,
      retentionDays: options.retentionDays,
    });

  try {
    for (const [index, each] of processes.entries()) {
      log(`starting ${each.name} (gRPC ${each.spec.grpcPort}, membership ${each.spec.membershipPort})`);
      each.start();
      if (index === 0) await firstProcessWroteMetadata(each, databases);
    }
    await waitUntilClusterServes({
      address,
      namespace,
      processes,
      timeoutMs: 180_000,
      retentionDays: options.retentionDays,
      requireAllAlive: true,
    });
    const connection = await Connection.connect({ address });
    try {
      const added = await ensureSearchAttributes(connection, namespace);
      if (added.length > 0) log(`search attributes registered: ${added.join(', ')}`);
    } finally {
      await connection.close();
    }
    if (options.binaries.ui && options.uiPort) {
      ui = await startUiServer({
        binary: options.binaries.ui,
        dir: path.join(options.dir, 'ui'),
        temporalAddress: address,
        port: options.uiPort,
        namespace,
      });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const byName = new Map(processes.map((each) => [each.name, each]));
  return {
    address,
    namespace,
    uiUrl: ui?.url,
    layout,
    databases,
    processes,
    process(name) {
      const found = byName.get(name);
      if (!found)
        throw new Error(`No process ${name} in the cluster; it has ${[...byName.keys()].join(', ')}`);
      return found;
    },
    waitUntilServing,
    stop,
  };
}
