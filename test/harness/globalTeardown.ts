import fs from 'node:fs';
import type { GlobalState } from './globalSetup';

export default async function globalTeardown(): Promise<void> {
  const state = globalThis as GlobalState;
  await state.processionTemporal?.stop();
  if (state.processionBundleDir) fs.rmSync(state.processionBundleDir, { recursive: true, force: true });
  // Last: every test file has dropped its database and closed its pools by now.
  await state.processionDatabase?.stop();
}
