import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { historiesDir } from '../harness/histories';
import { testWorkflowBundle } from '../harness/sagaHarness';
import { shopApplication } from '../../worker/application';

// Histories of finished sagas, recorded from real runs (RECORD_HISTORIES=1 npx jest test/sagas). Replaying
// them against the current workflow code fails here when a change would break running sagas.
const files = fs.readdirSync(historiesDir).filter((file) => file.endsWith('.json'));

test.each(shopApplication.sagas.map((saga) => saga.workflowType))(
  '%s has recorded histories',
  (workflowType) => {
    expect(files.some((file) => file.startsWith(`${workflowType}-`))).toBe(true);
  },
);

test.each(files)('%s replays deterministically against the current workflow code', async (file) => {
  const history = JSON.parse(fs.readFileSync(path.join(historiesDir, file), 'utf8'));
  const bundle = testWorkflowBundle();
  await Worker.runReplayHistory(
    bundle ? { workflowBundle: bundle } : { workflowsPath: require.resolve('../../workflows') },
    history,
    path.basename(file, '.json'),
  );
});
