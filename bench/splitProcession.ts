import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { ProcessRole } from '../engine/application/roles';
import { RoleProcess } from '../scripts/roleProcess';
import { freshDatabase, type BenchContext } from './context';

/**
 * Procession as people deploy it (`npm run bench -- --split`): each role in a process of its own
 * (`worker/main.ts` with ROLE=…), against a fresh database and the bench's Temporal server, on a task
 * queue of its own. The bench writes and measures through `pool`.
 */
export async function splitProcession(
  context: BenchContext,
  label: string,
  roles: readonly ProcessRole[],
  env: Record<string, string> = {},
): Promise<{ pool: Pool; processes: RoleProcess[]; drop(): Promise<void> }> {
  const database = await freshDatabase(label);
  const taskQueue = `bench-${label}-${randomUUID()}`;
  const processes = roles.map(
    (role) =>
      new RoleProcess(role, {
        ROLE: role,
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: context.server.address,
        TASK_QUEUE: taskQueue,
        DEMO: 'off',
        ...env,
      }),
  );
  try {
    await Promise.all(processes.map((process) => process.start()));
  } catch (error) {
    await Promise.all(processes.map((process) => process.stop()));
    await database.drop();
    throw error;
  }
  return {
    pool: database.pool,
    processes,
    drop: async () => {
      await Promise.all(processes.map((process) => process.stop()));
      await database.drop();
    },
  };
}
