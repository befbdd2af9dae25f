/**
 * Which OS processes a local Temporal cluster runs and on which ports. Every port is derived from the
 * frontend's (TEMPORAL_PORT), so two clusters run side by side when their frontend ports are at least
 * `portsPerCluster` apart.
 */
export type TemporalService = 'frontend' | 'history' | 'matching' | 'worker';

export interface ServiceProcess {
  /** Unique within the cluster: `history-1`, `history-2`, `frontend`, … */
  name: string;
  service: TemporalService;
  grpcPort: number;
  membershipPort: number;
  /** Prometheus metrics of this process. */
  metricsPort: number;
}

export interface ClusterLayout {
  frontendPort: number;
  /** The frontend's HTTP API (Temporal's REST gateway). */
  httpPort: number;
  historyShards: number;
  processes: ServiceProcess[];
}

/** grpc at +0..7, membership at +8..15, metrics at +16..23, the frontend's HTTP at +24. */
export const portsPerCluster = 32;

/**
 * Frontend, matching and worker once each and `historyProcesses` history processes; history first, so
 * a stop in reverse order stops the frontend first.
 */
export function clusterLayout(frontendPort: number, historyProcesses = 2, historyShards = 4): ClusterLayout {
  if (historyProcesses < 1 || historyProcesses > 5) {
    throw new Error(`historyProcesses must be 1..5, got ${historyProcesses}`);
  }
  if (!Number.isInteger(frontendPort) || frontendPort < 1024 || frontendPort + portsPerCluster > 65535) {
    throw new Error(`The frontend port must be 1024..${65535 - portsPerCluster}, got ${frontendPort}`);
  }
  const services: Array<[string, TemporalService]> = [
    ...Array.from({ length: historyProcesses }, (_, i): [string, TemporalService] => [
      `history-${i + 1}`,
      'history',
    ]),
    ['matching', 'matching'],
    ['worker', 'worker'],
    ['frontend', 'frontend'],
  ];
  // The frontend keeps the port clients know; the others take the next ones, membership after them.
  const order = ['frontend', ...services.map(([name]) => name).filter((name) => name !== 'frontend')];
  const processes = services.map(([name, service]) => {
    const slot = order.indexOf(name);
    return {
      name,
      service,
      grpcPort: frontendPort + slot,
      membershipPort: frontendPort + 8 + slot,
      metricsPort: frontendPort + 16 + slot,
    };
  });
  return { frontendPort, httpPort: frontendPort + 24, historyShards, processes };
}
