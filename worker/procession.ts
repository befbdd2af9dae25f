import type { FastifyInstance } from 'fastify';
import type { Worker } from '@temporalio/worker';
import type { Relay } from '../engine/relay/relay';
import { processRoles, startRoles, type RolesOptions, type RunningRoles } from './roles';

export { defaultTaskQueue } from './roles';

export type ProcessionOptions = Omit<RolesOptions, 'roles'> & Required<Pick<RolesOptions, 'apiKeys'>>;

export interface RunningProcession extends RunningRoles {
  app: FastifyInstance;
  worker: Worker;
  relay: Relay;
}

/** Every role in one process: what `npm start` runs by default, and what the end-to-end tests run. */
export async function startProcession(options: ProcessionOptions): Promise<RunningProcession> {
  const running = await startRoles({ ...options, roles: processRoles });
  return running as RunningProcession;
}
