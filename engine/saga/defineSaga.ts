import type { SignalDefinition } from '@temporalio/common';
import { setWorkflowOptions, workflowInfo } from '@temporalio/workflow';
import type { Message } from '../aggregate/decider';
import type { SagaDelivery, Trigger, TriggerEvent } from '../relay/trigger';
import type { EventSignal, EventSignalOf } from './eventSignal';

/**
 * The names of Data's fields that hold a string: what an event may name its saga's key by. An optional one
 * is allowed; an event without it is parked, unless the trigger's `when` leaves such events alone.
 */
type StringField<Data> = {
  [Field in keyof Data]-?: NonNullable<Data[Field]> extends string ? Field : never;
}[keyof Data] &
  string;
type EventData<Event extends Message, Type extends Event['type']> = Extract<Event, { type: Type }>['data'];

interface TriggerSpec<Event extends Message, Type extends Event['type'], Input, Settings> {
  /** Stable name: parked and ignored deliveries are recorded under it. */
  name: string;
  /** The event field holding the saga's key (e.g. `orderId`): one saga per key. */
  key: StringField<EventData<Event, Type>>;
  /** The saga's input, built from the event; checked against the workflow's parameter. */
  input(event: TriggerEvent<Type, EventData<Event, Type>>, settings: Settings, key: string): Input;
  /** More lines for the Temporal UI's details, after the line naming the event. */
  details?(event: TriggerEvent<Type, EventData<Event, Type>>): string[];
  /** Only events for which this holds start or signal the saga; the others pass by (not parked). */
  when?(event: TriggerEvent<Type, EventData<Event, Type>>): boolean;
  /** What this event does for a key whose saga has finished; default: the saga's `whenFinished`. */
  whenFinished?: WhenFinished;
}

/**
 * What a trigger's `input` builds must be exactly the workflow's input: a field the workflow does not take
 * (a misspelt optional one, say) fails to compile here instead of being dropped silently.
 */
type ExactInput<Built, Input> = [Exclude<keyof Built, keyof Input>] extends [never]
  ? unknown
  : { input: { error: 'fields the workflow does not take'; fields: Exclude<keyof Built, keyof Input> } };

/** The signal a trigger delivers on must take that trigger's event (typed data, no cast in the saga). */
type TakesEvent<Delivered, Event> = [Event] extends [Delivered]
  ? unknown
  : { signal: { error: 'the signal does not take this event'; event: Event } };

type SignalledSpec<
  Event extends Message,
  Type extends Event['type'],
  Built,
  Input,
  Settings,
  Delivered,
> = TriggerSpec<Event, Type, Built, Settings> & { signal: SignalDefinition<[Delivered]> } & ExactInput<
    Built,
    Input
  > &
  TakesEvent<Delivered, EventSignalOf<Extract<Event, { type: Type }>>>;

export interface SagaDefinition<Settings = unknown> {
  readonly kind: 'saga';
  /** The workflow's exported name: Temporal's workflow type. */
  readonly workflowType: string;
  readonly workflow: (...args: never[]) => Promise<unknown>;
  readonly triggers: readonly Trigger<Settings>[];
}

export interface SagaBuilder<
  Event extends Message,
  Input,
  Settings,
  Result = unknown,
> extends SagaDefinition<Settings> {
  /** Typed, so a test (SagaTestKit.run) infers the saga's input and result from its definition. */
  readonly workflow: (input: Input) => Promise<Result>;
  /** The event starts the saga for its key, or finds it running (never re-runs a finished one). */
  startedBy<Type extends Event['type'], Built extends Input>(
    type: Type,
    spec: TriggerSpec<Event, Type, Built, Settings> & ExactInput<Built, Input>,
  ): SagaBuilder<Event, Input, Settings, Result>;
  /**
   * The event signals the saga for its key, starting it first if needed (signal-with-start). The signal's
   * argument is typed by the events it takes (`EventSignalOf<GroupCreated | ChannelCreated>`).
   */
  signalledBy<Type extends Event['type'], Built extends Input, Delivered extends EventSignal>(
    type: Type,
    spec: SignalledSpec<Event, Type, Built, Input, Settings, Delivered>,
  ): SagaBuilder<Event, Input, Settings, Result>;
}

export interface SagaOptions<Input, Result = unknown> {
  workflowType: string;
  /** The workflow function, exported from the workflows module under `workflowType`. */
  workflow: (input: Input) => Promise<Result>;
  workflowId(key: string): string;
  /** The stream the saga is about, for the AggregateId search attribute. */
  aggregateId(key: string): string;
  /** One line for the Temporal UI's list. */
  summary(key: string): string;
  /** The default for every trigger of the saga (a trigger may say otherwise); 'ignore' if unset. */
  whenFinished?: WhenFinished;
  /**
   * With Worker Versioning on (PROCESSION_DEPLOYMENT): 'pinned' (the default) finishes a run on the build it
   * started on, so its steps and compensations never change under it; 'autoUpgrade' moves a running saga
   * to the newest build, for sagas written to replay across changes (patched()).
   */
  versioning?: SagaVersioning;
}

export type SagaVersioning = 'pinned' | 'autoUpgrade';

/**
 * What an event does for a key whose saga has finished: 'ignore' never re-runs a finished saga;
 * 'startAgain' starts a new run. Only for sagas that check the facts when they start: a new run repeats
 * the first run's command ids (`<workflowId>:<step>`), so a step that took effect stays once.
 */
export type WhenFinished = 'ignore' | 'startAgain';

/**
 * A saga and the events that start or signal it, typed end to end: the event type is checked against the
 * application's event union, its data type is inferred, and the input a trigger builds is checked against
 * the workflow's parameter. The engine adds the search attributes (SagaType, AggregateId, CorrelationId),
 * the summary and the details; a saga only says what is special to it.
 */
export function sagaKit<Event extends Message, Settings = object>() {
  return {
    defineSaga<Input, Result>(
      options: SagaOptions<Input, Result>,
    ): SagaBuilder<Event, Input, Settings, Result> {
      // Asked when a run's first task starts. Only a versioned worker (one with a deployment name) may
      // declare a behaviour: an unversioned one fails the task ("versioning behavior cannot be specified
      // without deployment options"), so the same saga code runs under both.
      const versioningBehavior = options.versioning === 'autoUpgrade' ? 'AUTO_UPGRADE' : 'PINNED';
      setWorkflowOptions(
        () => (workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior } : {}),
        options.workflow,
      );
      return build<Event, Input, Settings, Result>(options, []);
    },
  };
}

function build<Event extends Message, Input, Settings, Result>(
  options: SagaOptions<Input, Result>,
  triggers: readonly Trigger<Settings>[],
): SagaBuilder<Event, Input, Settings, Result> {
  const add = (type: string, spec: AnySpec<Settings>, signal?: { name: string }) =>
    build<Event, Input, Settings, Result>(options, [...triggers, triggerOf(options, type, spec, signal)]);
  return {
    kind: 'saga',
    workflowType: options.workflowType,
    workflow: options.workflow,
    triggers,
    startedBy: (type, spec) => add(type, spec as unknown as AnySpec<Settings>),
    signalledBy: (type, spec) => add(type, spec as unknown as AnySpec<Settings>, spec.signal),
  };
}

interface AnySpec<Settings> {
  name: string;
  key: string;
  input(event: TriggerEvent, settings: Settings, key: string): unknown;
  details?(event: TriggerEvent): string[];
  when?(event: TriggerEvent): boolean;
  whenFinished?: WhenFinished;
}

function triggerOf<Input, Settings>(
  options: SagaOptions<Input, unknown>,
  eventType: string,
  spec: AnySpec<Settings>,
  signal?: { name: string },
): Trigger<Settings> {
  return {
    name: spec.name,
    eventType,
    appliesTo: spec.when,
    plan(event, settings): SagaDelivery {
      // The log may hold events older or stranger than today's types: check the key before trusting it.
      const key = (event.data as Record<string, unknown> | null)?.[spec.key];
      if (typeof key !== 'string' || key === '')
        throw new Error(`${event.type} ${event.eventId} has no ${spec.key}`);
      const how = signal ? 'Signalled' : 'Started';
      return {
        workflowType: options.workflowType,
        workflowId: options.workflowId(key),
        args: [spec.input(event, settings, key)],
        signal: signal && { name: signal.name, args: [signalOf(event)] },
        searchAttributes: {
          sagaType: options.workflowType,
          aggregateId: options.aggregateId(key),
          correlationId: event.correlationId,
        },
        summary: options.summary(key),
        whenFinished: spec.whenFinished ?? options.whenFinished ?? 'ignore',
        details: [
          `${how} by **${event.type}** (event ${event.eventId}, position ${event.globalPosition}).`,
          ...(spec.details?.(event) ?? []),
        ].join('\n\n'),
      };
    },
  };
}

function signalOf(event: TriggerEvent): EventSignal {
  const { eventId, type: eventType, streamId, globalPosition, correlationId, data } = event;
  return { eventId, eventType, streamId, globalPosition, correlationId, data };
}

/**
 * The sagas a workflows module exports: the one list the worker, the relay, the replay test and the bench
 * read. Each saga's workflow must be exported under its workflow type, which is what Temporal runs.
 */
export function sagasIn<Settings>(workflowsModule: Record<string, unknown>): SagaDefinition<Settings>[] {
  const sagas = Object.values(workflowsModule).filter(
    (value): value is SagaDefinition<Settings> =>
      typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'saga',
  );
  for (const saga of sagas) {
    if (workflowsModule[saga.workflowType] !== saga.workflow)
      throw new Error(`saga ${saga.workflowType}: its workflow must be exported as '${saga.workflowType}'`);
  }
  return sagas;
}

export function triggersOf<Settings>(sagas: readonly SagaDefinition<Settings>[]): Trigger<Settings>[] {
  const triggers = sagas.flatMap((saga) => saga.triggers);
  const names = new Set<string>();
  for (const trigger of triggers) {
    if (names.has(trigger.name)) throw new Error(`two triggers are named '${trigger.name}'`);
    names.add(trigger.name);
  }
  return triggers;
}
