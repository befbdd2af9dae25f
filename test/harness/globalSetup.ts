import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startOrConnectTemporal, type TemporalTarget } from '../../engine/temporal/target';
import { tracingWorkflowInterceptorModules } from '../../engine/telemetry/temporalTracing';
import {
  startTestDatabaseServer,
  testDatabaseServerVariable,
  type TestDatabaseServer,
} from '../../engine/testing/testDatabaseServer';

// One Temporal server and one PostgreSQL for the whole run. Temporal: the dev server from the provisioned
// CLI on free ports, or the server TEMPORAL_ADDRESS names. PostgreSQL: picked as `npm start` picks it
// (DATABASE_URL, else 127.0.0.1:5432 when it answers, else the embedded server, started here once). Test
// files reach both through the environment, which jest's workers inherit. The workflow bundle is built
// once here instead of once per test file.
export default function globalSetup(): Promise<void> {
  return setUpTestRun({});
}

export async function setUpTestRun(options: { embeddedRefusedBecause?: string }): Promise<void> {
  // First, and alone: a suite that refuses the embedded server fails before anything is started.
  const database = await startTestDatabaseServer(process.env.DATABASE_URL, options);
  const starting = startOrConnectTemporal({ ui: false, port: 0, uiPort: 0 });
  try {
    const [temporal, bundle] = await Promise.all([
      starting,
      bundleWorkflowCode({
        workflowsPath: require.resolve('../../workflows'),
        workflowInterceptorModules: [...tracingWorkflowInterceptorModules],
        logger: quietBundlerLogger,
      }),
    ]);
    const bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'procession-workflows-'));
    const bundlePath = path.join(bundleDir, 'workflow-bundle.js');
    fs.writeFileSync(bundlePath, bundle.code);
    process.env.PROCESSION_TEST_TEMPORAL_ADDRESS = temporal.connectionOptions.address;
    process.env.PROCESSION_TEST_TEMPORAL_NAMESPACE = temporal.namespace;
    process.env.PROCESSION_TEST_WORKFLOW_BUNDLE = bundlePath;
    process.env[testDatabaseServerVariable] = database.url;
    const state: GlobalState = {
      processionTemporal: temporal,
      processionBundleDir: bundleDir,
      processionDatabase: database,
    };
    Object.assign(globalThis, state);
  } catch (error) {
    // Jest runs no teardown after a failed setup: leave no server behind.
    await (await starting.catch(() => undefined))?.stop();
    await database.stop();
    throw error;
  }
  console.log(`\n[test] using ${database.description}`);
}

export type GlobalState = {
  processionTemporal?: TemporalTarget;
  processionBundleDir?: string;
  processionDatabase?: TestDatabaseServer;
};

const quietBundlerLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
