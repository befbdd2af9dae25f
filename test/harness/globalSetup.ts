import { startOrConnectTemporal, type TemporalTarget } from '../../worker/temporal/target';

// One Temporal server for the whole run: the dev server from the provisioned CLI on free ports, or the
// server TEMPORAL_ADDRESS names. Test files reach it through the environment, which jest's workers inherit.
export default async function globalSetup(): Promise<void> {
  const target = await startOrConnectTemporal({ ui: false, port: 0, uiPort: 0 });
  process.env.PROCESSION_TEST_TEMPORAL_ADDRESS = target.connectionOptions.address;
  process.env.PROCESSION_TEST_TEMPORAL_NAMESPACE = target.namespace;
  (globalThis as { processionTemporal?: TemporalTarget }).processionTemporal = target;
}
