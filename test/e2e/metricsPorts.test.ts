import { randomUUID } from 'node:crypto';
import { dropDatabase } from '../../engine/eventstore/database';
import { findFreePort } from '../../engine/temporal/freePort';
import { RoleProcess } from '../../scripts/roleProcess';
import { testApiKeysSpec } from '../harness/apiKeys';
import { testDatabaseUrl } from '../harness/database';
import { parsePrometheusText, valueOf } from '../harness/prometheusText';
import { eventually } from '../harness/sagaHarness';
import { testTemporalSettings } from '../harness/temporal';

// A process without the api role, started the way a deployment starts one (worker/main.ts, ROLE=…):
// its own figures on METRICS_PORT, the Temporal SDK's on TEMPORAL_METRICS_PORT.
let role: RoleProcess | undefined;
let databaseUrl: string;

afterAll(async () => {
  await role?.stop();
  if (databaseUrl) await dropDatabase(databaseUrl);
});

test('ROLE=worker,relay serves its metrics on METRICS_PORT and the SDK its own on TEMPORAL_METRICS_PORT', async () => {
  databaseUrl = testDatabaseUrl();
  const [metricsPort, temporalMetricsPort] = [await findFreePort(), await findFreePort()];
  const temporal = testTemporalSettings();
  role = new RoleProcess('worker-relay', {
    ROLE: 'worker,relay',
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporal.connectionOptions.address!,
    TEMPORAL_NAMESPACE: temporal.namespace,
    API_KEYS: testApiKeysSpec,
    TASK_QUEUE: `metrics-ports-${randomUUID()}`,
    WORKFLOW_BUNDLE: process.env.PROCESSION_TEST_WORKFLOW_BUNDLE!,
    METRICS_PORT: String(metricsPort),
    TEMPORAL_METRICS_PORT: String(temporalMetricsPort),
  });
  await role.start();
  expect(role.linesSinceStart().join('\n')).toContain(
    `metrics (no key) at http://127.0.0.1:${metricsPort}/metrics`,
  );

  const own = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  expect(own.status).toBe(200);
  expect(own.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const samples = parsePrometheusText(await own.text());
  // The deployment's gauges read the database from this process too.
  expect(valueOf(samples, 'procession_parked_events', { status: 'parked' })).toBe(0);
  expect(valueOf(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);

  // The SDK's exporter: worker figures (pollers, slots) once the worker polls its task queue.
  const sdk = await eventually(async () => {
    const response = await fetch(`http://127.0.0.1:${temporalMetricsPort}/metrics`).catch(() => undefined);
    const text = response?.ok ? await response.text() : '';
    return /^temporal_\w+/m.test(text) ? text : undefined;
  });
  expect(sdk).toMatch(/^temporal_num_pollers\{/m);
});
