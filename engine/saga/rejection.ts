import { ActivityFailure, ApplicationFailure, isCancellation } from '@temporalio/workflow';

/** A business "no" from an aggregate (InsufficientStock, CardDeclined, …), as a saga sees it. */
export interface Rejection {
  code: string;
  message: string;
}

/** The rejection inside an activity failure, or undefined for anything else (including cancellation). */
export function rejectionOf(error: unknown): Rejection | undefined {
  if (isCancellation(error)) return undefined;
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure && cause.nonRetryable) {
    return { code: cause.type ?? 'Rejected', message: cause.message };
  }
  return undefined;
}

/** Raised inside a saga to stop and compensate for a reason of its own (a deadline, a disabled customer). */
export class SagaStopped extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'SagaStopped';
  }
}
