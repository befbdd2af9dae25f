import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startOrConnectTemporal } from '../../engine/temporal/target';
import { tracingWorkflowInterceptorModules } from '../../engine/telemetry/temporalTracing';

// One Temporal server for the whole run: the dev server from the provisioned CLI on free ports, or the
// server TEMPORAL_ADDRESS names. Test files reach it through the environment, which jest's workers
// inherit. The workflow bundle is built once here instead of once per test file.
export default async function globalSetup(): Promise<void> {
  const [target, bundle] = await Promise.all([
    startOrConnectTemporal({ ui: false, port: 0, uiPort: 0 }),
    bundleWorkflowCode({
      workflowsPath: require.resolve('../../workflows'),
      workflowInterceptorModules: [...tracingWorkflowInterceptorModules],
      logger: quietBundlerLogger,
    }),
  ]);
  const bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'procession-workflows-'));
  const bundlePath = path.join(bundleDir, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, bundle.code);
  process.env.PROCESSION_TEST_TEMPORAL_ADDRESS = target.connectionOptions.address;
  process.env.PROCESSION_TEST_TEMPORAL_NAMESPACE = target.namespace;
  process.env.PROCESSION_TEST_WORKFLOW_BUNDLE = bundlePath;
  Object.assign(globalThis, { processionTemporal: target, processionBundleDir: bundleDir });
}

const quietBundlerLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
