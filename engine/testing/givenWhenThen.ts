import { fold, type DecisionContext, type Decider, type Message } from '../aggregate/decider';
import { DomainError, type DomainErrorKind } from '../aggregate/errors';

export const firstAttempt: DecisionContext = { attempt: 1, now: new Date('2024-11-22T10:00:00Z') };

export function attempt(n: number): DecisionContext {
  return { ...firstAttempt, attempt: n };
}

export interface ExpectedRejection {
  kind: DomainErrorKind;
  code: string;
  details?: Record<string, unknown>;
}

/**
 * Given past events, when a command is decided, then: the new events, or the rejection. Past events are
 * folded through `evolve`, so every test also exercises the decider's evolution.
 */
export function specFor<C extends Message, E extends Message, S>(decider: Decider<C, E, S>) {
  return {
    given(history: readonly E[]) {
      const state = fold(decider, history);
      return {
        state,
        when(command: C, context: DecisionContext = firstAttempt) {
          const decide = () => decider.decide(command, state, context);
          return {
            then(expected: readonly E[]): S {
              const events = decide();
              expect(events).toEqual(expected);
              return events.reduce(decider.evolve, state);
            },
            thenRejects(expected: ExpectedRejection): DomainError {
              const error = rejectionOf(decide);
              expect(error).toMatchObject(expected);
              return error;
            },
          };
        },
      };
    },
  };
}

function rejectionOf(act: () => unknown): DomainError {
  try {
    act();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the command to be rejected, but it was accepted');
}
