import type { TemporalTarget } from '../../worker/temporal/target';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { processionTemporal?: TemporalTarget }).processionTemporal?.stop();
}
