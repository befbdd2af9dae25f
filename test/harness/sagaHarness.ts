import type { DomainCommand } from '../../domain/registry';
import { startIntegrationHarness, type IntegrationHarness } from '../../engine/testing/integrationHarness';
import type { Application } from '../../engine/application/application';
import type { RelayOptions } from '../../engine/relay/relay';
import { shopApplication } from '../../worker/application';
import type { TriggerSettings } from '../../workflows/settings';
import { connectTestTemporal, type TestTemporal } from './temporal';

export { eventually } from '../../engine/testing/eventually';

/** The shop, real and running for one test file: database, worker, relay and every projection. */
export interface SagaHarness extends IntegrationHarness<DomainCommand> {
  temporal: TestTemporal;
}

export function testWorkflowBundle() {
  const codePath = process.env.PROCESSION_TEST_WORKFLOW_BUNDLE;
  return codePath ? { codePath } : undefined;
}

export async function startSagaHarness(
  label: string,
  relayOptions: Partial<RelayOptions<TriggerSettings>> = {},
  databaseServerUrl?: string,
  application: Application<TriggerSettings> = shopApplication,
): Promise<SagaHarness> {
  const temporal = await connectTestTemporal(label);
  const harness = await startIntegrationHarness<DomainCommand, TriggerSettings>({
    application,
    temporal,
    workflowBundle: testWorkflowBundle(),
    relay: relayOptions,
    databaseServerUrl,
    label,
  });
  return {
    ...harness,
    temporal,
    close: async () => {
      await harness.close();
      await temporal.close();
    },
  };
}
