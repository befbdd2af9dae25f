import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * What this process did: the counters and histograms the command handler, the relay and the projection
 * runner update as they work. One per process, like the work it counts; each process exposes its own, and
 * Prometheus tells processes apart by the scrape target.
 */
export const processRegistry = new Registry();

let nodeMetricsOn = false;

/** Adds Node's own figures (CPU, memory, event-loop delay, handles) once per process. */
export function collectNodeMetrics(): void {
  if (nodeMetricsOn) return;
  nodeMetricsOn = true;
  collectDefaultMetrics({ register: processRegistry });
}
