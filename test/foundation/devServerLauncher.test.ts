import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startDevServer } from '../../engine/temporal/devServer';

// The launcher itself, separately from the run's shared server: UI on, history in a SQLite file.
test('the launcher serves the Web UI and keeps history in its SQLite file across restarts', async () => {
  const dbFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'procession-dev-')), 'temporal.sqlite');
  const workflowId = 'launcher-persistence-check';

  const first = await startDevServer({ ui: true, dbFile });
  try {
    const page = await fetch(first.uiUrl!);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);

    const connection = await Connection.connect({ address: first.address });
    try {
      const client = new Client({ connection });
      // Nothing polls this queue; the started workflow is enough to prove the file keeps it.
      await client.workflow.start('neverPolled', { workflowId, taskQueue: 'launcher-no-worker' });
    } finally {
      await connection.close();
    }
  } finally {
    await first.stop();
  }
  expect(fs.statSync(dbFile).size).toBeGreaterThan(0);

  const second = await startDevServer({ ui: false, dbFile });
  try {
    const connection = await Connection.connect({ address: second.address });
    try {
      const description = await new Client({ connection }).workflow.getHandle(workflowId).describe();
      expect(description.status.name).toBe('RUNNING');
    } finally {
      await connection.close();
    }
  } finally {
    await second.stop();
  }
});
