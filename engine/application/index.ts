// Running an application: its lists checked once (defineApplication), the roles it runs in one process or
// several (startRoles), and what `npm start` does with them (runProcessMain).
export { defineApplication, type Application, type ApplicationDefinition } from './application';
export {
  processRoles,
  startRoles,
  defaultTaskQueue,
  type ProcessRole,
  type RolesOptions,
  type RunningRoles,
} from './roles';
export { runProcessMain, type ProcessMainOptions, type Say } from './processMain';
export { positiveInteger } from './settingsFromEnv';
export type { Relay } from '../relay/relay';
