import { sagasIn, triggersOf } from '../engine/saga/defineSaga';
import * as shopWorkflows from '.';
import type { TriggerSettings } from './settings';

/** Every saga the shop runs, found in the workflows module (workflows/index.ts). */
export const shopSagas = sagasIn<TriggerSettings>(shopWorkflows);
export const shopTriggers = triggersOf(shopSagas);
