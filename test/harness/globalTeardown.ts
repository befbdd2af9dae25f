import fs from 'node:fs';
import type { TemporalTarget } from '../../engine/temporal/target';

export default async function globalTeardown(): Promise<void> {
  const state = globalThis as { processionTemporal?: TemporalTarget; processionBundleDir?: string };
  await state.processionTemporal?.stop();
  if (state.processionBundleDir) fs.rmSync(state.processionBundleDir, { recursive: true, force: true });
}
