import type { DomainEvent } from '../domain/registry';
import { sagaKit } from '../engine/saga/defineSaga';
import type { TriggerSettings } from './settings';

/** defineSaga checked against the shop's events and settings. */
export const { defineSaga } = sagaKit<DomainEvent, TriggerSettings>();
