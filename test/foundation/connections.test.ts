import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { DatabaseUnreachableError, openPool } from '../../engine/eventstore/database';
import { processionSearchAttributes } from '../../engine/saga/searchAttributes';
import { ensureSearchAttributes } from '../../engine/temporal/searchAttributeRegistry';
import { startOrConnectTemporal } from '../../engine/temporal/target';
import { testTemporalSettings } from '../harness/temporal';

test('an unreachable PostgreSQL fails with a message that says so and how to fix it', async () => {
  const attempt = openPool('postgres://127.0.0.1:1/procession');
  await expect(attempt).rejects.toBeInstanceOf(DatabaseUnreachableError);
  await expect(attempt).rejects.toThrow(
    /not reachable at postgres:\/\/[^ ]*127\.0\.0\.1:1\/procession.*pg_ctlcluster.*DATABASE_URL/s,
  );
});

test('with TEMPORAL_ADDRESS set nothing is started and missing search attributes are registered, once', async () => {
  const { connectionOptions } = testTemporalSettings();
  const namespace = `procession-test-${randomUUID().slice(0, 8)}`;
  const connection = await Connection.connect(connectionOptions);
  const saved = { address: process.env.TEMPORAL_ADDRESS, namespace: process.env.TEMPORAL_NAMESPACE };
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
    // A namespace nobody registered attributes in, as on a cluster we did not start.
    const before = await connection.operatorService.listSearchAttributes({ namespace });
    expect(Object.keys(before.customAttributes ?? {})).not.toContain('SagaType');

    process.env.TEMPORAL_ADDRESS = connectionOptions.address;
    process.env.TEMPORAL_NAMESPACE = namespace;
    const target = await startOrConnectTemporal();
    expect(target.started).toBe(false);
    expect(target.namespace).toBe(namespace);
    expect(target.connectionOptions.address).toBe(connectionOptions.address);

    const after = await connection.operatorService.listSearchAttributes({ namespace });
    for (const key of processionSearchAttributes)
      expect(Object.keys(after.customAttributes ?? {})).toContain(key.name);
    expect(await ensureSearchAttributes(connection, namespace)).toEqual([]);
    await target.stop();
  } finally {
    if (saved.address === undefined) delete process.env.TEMPORAL_ADDRESS;
    else process.env.TEMPORAL_ADDRESS = saved.address;
    if (saved.namespace === undefined) delete process.env.TEMPORAL_NAMESPACE;
    else process.env.TEMPORAL_NAMESPACE = saved.namespace;
    await connection.close();
  }
});
