// The saga kit, as an application's workflows import it. Everything here runs inside Temporal's
// deterministic workflow sandbox: no module exported at runtime opens a connection or reads the clock.
// (defineSaga, dispatch and stepsFor come typed against the application from engine/kit.ts.)
export { Compensations } from './compensations';
export { SagaStopped, rejectionOf, type Rejection } from './rejection';
export { load, localReadsPatch } from './load';
export { localCommandsPatch, type Dispatch, type DispatchOptions } from './commands';
export type { Step } from './step';
export type { EventSignal, EventSignalOf } from './eventSignal';
export type { SagaDefinition, SagaBuilder, SagaOptions, WhenFinished } from './defineSaga';
export { SagaType, AggregateId, CorrelationId, SagaProgressPercent } from './searchAttributes';
