import { randomUUID } from 'node:crypto';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';

/** How this test process reaches the run's Temporal server (set up by globalSetup). */
export function testTemporalSettings(): { connectionOptions: ConnectionOptions; namespace: string } {
  if (process.env.TEMPORAL_ADDRESS) {
    const config = loadClientConnectConfig();
    const { address, tls, apiKey, metadata } = config.connectionOptions;
    return {
      connectionOptions: { address, tls, apiKey, metadata },
      namespace: config.namespace ?? 'default',
    };
  }
  const address = process.env.PROCESSION_TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('The jest globalSetup did not start a Temporal server.');
  return {
    connectionOptions: { address },
    namespace: process.env.PROCESSION_TEST_TEMPORAL_NAMESPACE ?? 'default',
  };
}

export interface TestTemporal {
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  namespace: string;
  /** A task queue no other test file or run uses. */
  taskQueue: string;
  close(): Promise<void>;
}

export async function connectTestTemporal(label: string): Promise<TestTemporal> {
  const { connectionOptions, namespace } = testTemporalSettings();
  const connection = await Connection.connect(connectionOptions);
  const nativeConnection = await NativeConnection.connect({
    address: connectionOptions.address,
    tls: connectionOptions.tls,
    apiKey: connectionOptions.apiKey as string | undefined,
    metadata: connectionOptions.metadata,
  });
  return {
    client: new Client({ connection, namespace }),
    connection,
    nativeConnection,
    namespace,
    taskQueue: `${label}-${randomUUID()}`,
    close: async () => {
      await connection.close();
      await nativeConnection.close();
    },
  };
}
