import type { ClusterLayout, ServiceProcess } from './clusterLayout';

/** Where the cluster keeps its state: two databases on one PostgreSQL server. */
export interface ClusterDatabases {
  host: string;
  port: number;
  user: string;
  password: string;
  /** libpq `sslmode` from DATABASE_URL, passed on to the server's driver. */
  sslmode?: string;
  persistence: string;
  visibility: string;
}

// Per process, so that two history processes, matching, worker and frontend stay well inside a default
// max_connections of 100 beside Procession's own pools.
const connectionsPerService: Record<ServiceProcess['service'], number> = {
  history: 8,
  matching: 4,
  frontend: 4,
  worker: 2,
};

/**
 * The server's configuration for one of the cluster's processes. YAML is a superset of JSON, so the
 * server reads this object written as JSON; every process lists every service (the server expects the
 * full map) with its own service on its own ports.
 */
export function serviceConfig(
  layout: ClusterLayout,
  own: ServiceProcess,
  databases: ClusterDatabases,
  dynamicConfigFile: string,
): Record<string, unknown> {
  const frontendAddress = `127.0.0.1:${layout.frontendPort}`;
  const services: Record<string, unknown> = {};
  for (const each of layout.processes) {
    const chosen = each.service === own.service ? own : each;
    if (services[each.service] && chosen !== own) continue;
    services[each.service] = {
      rpc: {
        grpcPort: chosen.grpcPort,
        membershipPort: chosen.membershipPort,
        bindOnLocalHost: true,
        ...(each.service === 'frontend' ? { httpPort: layout.httpPort } : {}),
      },
    };
  }
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${databases.host}:${databases.port}`,
      connectProtocol: 'tcp',
      user: databases.user,
      password: databases.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
      ...(databases.sslmode ? { connectAttributes: { sslmode: databases.sslmode } } : {}),
    },
  });
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: layout.historyShards,
      datastores: {
        'postgres-default': store(databases.persistence, connectionsPerService[own.service]),
        'postgres-visibility': store(databases.visibility, 2),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      metrics: {
        prometheus: {
          framework: 'tally',
          timerType: 'histogram',
          listenAddress: `127.0.0.1:${own.metricsPort}`,
        },
      },
    },
    services,
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: frontendAddress,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: {
      archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    },
    publicClient: { hostPort: frontendAddress },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
}

/**
 * Dynamic config every process reads. Search attributes are seen at once after they are registered (as
 * on the dev server, which sets the same key): Procession registers its own when it connects and starts
 * sagas with them right after. The persistence QPS limits are raised to match, as the dev server does.
 */
export function dynamicConfig(): string {
  const settings: Record<string, unknown> = {
    'system.forceSearchAttributesCacheRefreshOnRead': true,
    'frontend.persistenceMaxQPS': 10000,
    'history.persistenceMaxQPS': 45000,
    'limit.maxIDLength': 255,
  };
  return Object.entries(settings)
    .map(([key, value]) => `${key}:\n  - value: ${JSON.stringify(value)}\n    constraints: {}\n`)
    .join('');
}
