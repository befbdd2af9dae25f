import { randomUUID } from 'node:crypto';
import { eventually } from '../harness/sagaHarness';
import { call, cli, useCliProcession } from './cliHarness';

// A process started with a Worker Deployment makes the deployment's first build current itself (a
// versioned worker gets no tasks until then), so sagas run at once; `procession deploy` shows and steers it.
const deploymentName = `cli-${randomUUID().slice(0, 8)}`;
useCliProcession('cli-deploy', 1, { deployment: { deploymentName, buildId: 'build-1' } });

test('the first build is current at start, runs sagas, and deploy status counts its open runs', async () => {
  await call('POST', '/inventory/deploy-sku/receive', { body: { quantity: 5 } });
  const placed = await call<{ workflowId: string }>('POST', '/orders', {
    body: {
      customerId: 'cli-00',
      lines: [{ sku: 'deploy-sku', quantity: 1, unitPriceCents: 100 }],
      paymentMethod: 'pm_card_ok',
      shippingAddress: { name: 'C', line1: 'L', city: 'C', postalCode: 'P', country: 'GB' },
    },
  });
  expect(placed.status).toBe(202);
  await eventually(async () => {
    const saga = await call<{ progress: { step: string } | null }>(
      'GET',
      `/sagas/${encodeURIComponent(placed.body.workflowId)}`,
    );
    return saga.body.progress?.step === 'awaiting dispatch' ? true : undefined;
  }, 60_000);

  const status = await eventually(async () => {
    const run = await cli(['deploy', 'status', '--deployment', deploymentName]);
    return run.stdout.includes('current  1') ? run : undefined;
  }, 30_000);
  expect(status.code).toBe(0);
  expect(status.stdout).toMatch(new RegExp(`^${deploymentName}: current build build-1\\n`));
  expect(status.stdout).toMatch(/BUILD\s+STATUS\s+OPEN RUNS\nbuild-1\s+current\s+1/);

  const json = JSON.parse(
    (await cli(['--json', 'deploy', 'status'], { PROCESSION_DEPLOYMENT: deploymentName })).stdout,
  );
  expect(json).toMatchObject({ deploymentName, currentBuildId: 'build-1' });
});

test('promote refuses a build no worker has polled, and makes a known one current', async () => {
  const run = await cli(['deploy', 'promote', 'build-9', '--deployment', deploymentName]);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/No worker of build 'build-9' has polled deployment/);
  const again = await cli(['deploy', 'promote', 'build-1', '--deployment', deploymentName]);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/current build build-1/);
});

test('the deployment routes answer 4xx for bad requests and to a non-admin promote', async () => {
  const missing = await cli(['deploy', 'status']);
  expect(missing.code).not.toBe(0);
  expect(missing.stderr).toMatch(/--deployment/);
  expect((await call('GET', '/deployments/nobody-polls-this')).status).toBe(404);
  expect((await call('GET', '/deployments/bad%20name')).status).toBe(400);
  expect((await call('POST', `/deployments/${deploymentName}/promote`, { body: {} })).status).toBe(400);
  const asOperator = await call('POST', `/deployments/${deploymentName}/promote`, {
    body: { buildId: 'build-1' },
    as: 'operator',
  });
  expect(asOperator.status).toBe(403);
});
