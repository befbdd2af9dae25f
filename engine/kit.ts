import type { RegistryCommand, RegistryEvent } from './aggregate/registry';
import { bulkTaskKit } from './bulk/bulkTask';
import { projectionKit } from './projections/projection';
import { dispatch as dispatchAny, type Dispatch } from './saga/commands';
import type { Compensations } from './saga/compensations';
import { sagaKit } from './saga/defineSaga';
import { stepsFor as stepsForAny } from './saga/step';

/**
 * Everything an application writes against its own types, bound once (the shop does so in
 * workflows/kit.ts): sagas and their triggers checked against the registry's events and the settings,
 * commands (dispatch, steps, a bulk task's command per item) against its commands, projections against its
 * events. Safe to import from workflow code: nothing here opens a connection or loads the worker.
 */
export function applicationKit<Registry, Settings = object>() {
  type Command = RegistryCommand<Registry>;
  type Event = RegistryEvent<Registry>;
  const dispatch: Dispatch<Command> = dispatchAny;
  return {
    ...sagaKit<Event, Settings>(),
    ...projectionKit<Event>(),
    ...bulkTaskKit<Command>(),
    dispatch,
    stepsFor: (correlationId: string, compensations: Compensations) =>
      stepsForAny<Command>(correlationId, compensations),
  };
}
