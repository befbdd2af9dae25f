import type { shop } from '../domain/registry';
import { applicationKit } from '../engine/kit';
import type { TriggerSettings } from './settings';

// The shop's one binding of the engine's kit: sagas, projections and bulk tasks import from here, so each
// is checked against the shop's commands, events and settings. Workflow code imports it too: keep it free
// of I/O (type imports only, besides the engine's kit).
export const { defineSaga, dispatch, stepsFor, defineProjection, defineBulkTask } = applicationKit<
  typeof shop,
  TriggerSettings
>();
