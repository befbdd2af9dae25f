// The aggregate kit, as an application's domain/ imports it: deciders, their errors, the registry of
// aggregates and the event schemas. Pure: nothing here does I/O, so deciders and workflows may import it.
export * from './aggregate';
export * from './decider';
export * from './errors';
export * from './eventSchemas';
export * from './registry';
export * from './reversal';
export * from './revertPlan';
