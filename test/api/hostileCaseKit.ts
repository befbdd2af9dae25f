// What a hostile case is, and the shorthands the case lists are written in.
/** One hostile or malformed request, and what the answer must say. */
export interface HostileCase {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  url: string;
  /** An object is sent as JSON; a string as it is (with `contentType`, default application/json). */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  status: number;
  error: string;
  message: RegExp;
}

export const customer = { name: 'Ada', email: 'ada@example.com' };
export const invalid = (status: number, error: string) => ({ status, error });
export const v400 = invalid(400, 'ValidationFailed');

export const post = (
  name: string,
  url: string,
  body: unknown,
  expect: { status: number; error: string },
  message: RegExp,
) => ({ name, method: 'POST', url, body, ...expect, message }) as HostileCase;
export const get = (name: string, url: string, expect: { status: number; error: string }, message: RegExp) =>
  ({ name, method: 'GET', url, ...expect, message }) as HostileCase;
