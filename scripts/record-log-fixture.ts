// `npx tsx scripts/record-log-fixture.ts <file.sql>`: runs today's `npm start` (the demo, with a small bulk
// task) against a fresh database, then writes its event log as SQL that loads into any migrated database
// (engine/testing/logFixture.ts). The file keeps each event exactly as stored — type, schema version, data,
// metadata — so a test can hold future code to the log today's code wrote. After the demo (whose orders all
// end), it places one more order with no relay running, so the log also holds an order whose saga has not
// started: a test's relay starts it from the old event.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  databaseUrlFromEnv,
  dropDatabase,
  ensureDatabaseExists,
  openPool,
} from '../engine/eventstore/database';
import { formatLogFixture } from '../engine/testing/logFixture';
import { handleCommand } from '../engine/commands/commandHandler';
import type { Pool } from 'pg';
import { shop } from '../domain/registry';
import type { DomainCommand } from '../domain/registry';

/** Through the shop's own command handler, as the API would send them. */
async function placeOpenOrder(pool: Pool): Promise<void> {
  const correlationId = randomUUID();
  const send = (command: DomainCommand) =>
    handleCommand(pool, shop, {
      commandId: randomUUID(),
      command,
      metadata: { correlationId, causationId: correlationId, actor: 'record-log-fixture' },
    });
  await send({
    type: 'RegisterCustomer',
    data: { customerId: 'fixture-ada', name: 'Ada', email: 'ada@example.com' },
  });
  await send({ type: 'ReceiveStock', data: { sku: 'fixture-kettle', quantity: 5 } });
  await send({
    type: 'PlaceOrder',
    data: {
      orderId: 'fixture-open-order',
      customerId: 'fixture-ada',
      lines: [{ sku: 'fixture-kettle', quantity: 2, unitPriceCents: 2_450 }],
      paymentMethod: 'pm_card_ok',
      shippingAddress: {
        name: 'Ada',
        line1: '1 Analytical Row',
        city: 'London',
        postalCode: 'N1 1AA',
        country: 'GB',
      },
    },
  });
}

const root = path.resolve(__dirname, '..');

function runDemoUntilFinished(databaseUrl: string): Promise<void> {
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['worker/main.ts'], {
    cwd: root,
    detached: true, // its own process group: the dev server it starts ends with it
    env: { ...process.env, DATABASE_URL: databaseUrl, DEMO_BULK_CUSTOMERS: '12', PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      output += chunk.toString();
      if (output.includes('demo finished')) process.kill(-child.pid!, 'SIGTERM');
    });
    child.on('exit', (code, signal) =>
      output.includes('demo finished')
        ? resolve()
        : reject(new Error(`npm start ended (${code ?? signal}) before the demo finished`)),
    );
  });
}

async function main() {
  const file = process.argv[2];
  if (!file) throw new Error('Name the file to write: npx tsx scripts/record-log-fixture.ts <file.sql>');
  const url = new URL(databaseUrlFromEnv());
  url.pathname = `/procession_fixture_${randomUUID().slice(0, 8)}`;
  await ensureDatabaseExists(url.toString());
  try {
    await runDemoUntilFinished(url.toString());
    const pool = await openPool(url.toString());
    try {
      await placeOpenOrder(pool);
      const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
      const sql = await formatLogFixture(pool, `the demo of \`npm start\` at commit ${commit}`);
      fs.writeFileSync(file, sql);
      console.log(`wrote ${file}`);
    } finally {
      await pool.end();
    }
  } finally {
    await dropDatabase(url.toString());
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
