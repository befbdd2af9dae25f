import type { FastifyInstance } from 'fastify';
import type { Worker } from '@temporalio/worker';
import {
  processRoles,
  startRoles,
  type Relay,
  type RolesOptions,
  type RunningRoles,
} from '../engine/application';
import type { TriggerSettings } from '../workflows/settings';
import { buildApp } from '../api/app';
import { shopApplication } from './application';

export { defaultTaskQueue } from '../engine/application';

/** The shop's roles: its application and its HTTP API unless told otherwise (the bench brings its own). */
export type ShopRolesOptions = Omit<RolesOptions<TriggerSettings>, 'application'> &
  Partial<Pick<RolesOptions<TriggerSettings>, 'application'>>;

export function startShopRoles(options: ShopRolesOptions): Promise<RunningRoles> {
  return startRoles({ application: shopApplication, buildApi: buildApp, ...options });
}

export type ProcessionOptions = Omit<ShopRolesOptions, 'roles'> & Required<Pick<ShopRolesOptions, 'apiKeys'>>;

export interface RunningProcession extends RunningRoles {
  app: FastifyInstance;
  worker: Worker;
  relay: Relay;
}

/** Every role in one process: what `npm start` runs by default, and what the end-to-end tests run. */
export async function startProcession(options: ProcessionOptions): Promise<RunningProcession> {
  const running = await startShopRoles({ ...options, roles: processRoles });
  return running as RunningProcession;
}
