/**
 * Every rejection a decider can give. `kind` says how callers treat it:
 * - business: a rule said no (InsufficientStock, CardDeclined); never retried; HTTP 409.
 * - notFound: the aggregate does not exist; never retried; HTTP 404.
 * - transient: a dependency failed for now (a card provider timeout); retried; HTTP 503.
 */
export type DomainErrorKind = 'business' | 'notFound' | 'transient';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    /** Machine-readable reason, e.g. `InsufficientStock`. */
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = code;
  }
}

export function rejectBecause(code: string, message: string, details?: Record<string, unknown>): never {
  throw new DomainError('business', code, message, details);
}

export function notFound(aggregate: string, id: string): never {
  throw new DomainError('notFound', `${aggregate}NotFound`, `${aggregate} ${id} does not exist`, { id });
}

export function transientFailure(code: string, message: string, details?: Record<string, unknown>): never {
  throw new DomainError('transient', code, message, details);
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
