import { shop } from '../../domain/registry';
import { SagaTestKit } from '../../engine/testing/sagaTestKit';
import { testWorkflowBundle } from './sagaHarness';
import { connectTestTemporal, type TestTemporal } from './temporal';

/** The shop's workflows on the run's dev server with stub activities: a fast saga test's whole setup. */
export async function startFastSagaKit(label: string): Promise<{ kit: SagaTestKit; temporal: TestTemporal }> {
  const temporal = await connectTestTemporal(label);
  const bundle = testWorkflowBundle();
  const kit = new SagaTestKit({
    client: temporal.client,
    connection: temporal.nativeConnection,
    namespace: temporal.namespace,
    workflows: bundle ? { workflowBundle: bundle } : { workflowsPath: require.resolve('../../workflows') },
    registry: shop,
  });
  return { kit, temporal };
}
