/**
 * Thrown by a helper that has answered a request on its route's behalf (a dry run), to end the handler
 * there: what the handler does after the helper returns belongs to the real call. The error handler sends
 * the answer as it is.
 */
export class Answered {
  constructor(
    readonly statusCode: number,
    readonly body: unknown,
  ) {}
}
