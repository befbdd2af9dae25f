import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import { customersReadModelPosition } from '../eventstore/customersReadModel';
import { readableLogHead } from '../eventstore/logHead';
import { comparePositions, type LogPosition } from '../eventstore/types';

const pollIntervalMs = 50;

/**
 * The "as of" for a run over all customers: the read model's checkpoint once it has caught up with the log
 * as it is now, so a customer registered just before the request is in the set. The head is read once; new
 * appends during the wait do not extend it. After `maxWaitMs` the checkpoint is taken as it is: a lagging
 * projection delays the request a little, never blocks it.
 */
export async function customersSnapshotPosition(pool: Pool, maxWaitMs: number): Promise<LogPosition> {
  const head = await readableLogHead(pool);
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const checkpoint = await customersReadModelPosition(pool);
    const remainingMs = deadline - Date.now();
    if (!head || comparePositions(checkpoint, head) >= 0 || remainingMs <= 0) return checkpoint;
    await sleep(Math.min(pollIntervalMs, remainingMs));
  }
}
