import { bearer } from './apiKeys';

export interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls a running API over real HTTP as the admin, JSON in and out: what the end-to-end tests do. */
export function adminCalls(apiUrl: () => string | undefined) {
  return async function call<T = Record<string, any>>( // eslint-disable-line @typescript-eslint/no-explicit-any
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> {
    const response = await fetch(`${apiUrl()}${path}`, {
      method,
      headers: {
        ...bearer('admin'),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as T };
  };
}
