// The CLI as a user runs it: a child process (bin/procession.js through tsx) against a real API on a free
// port, with a real worker, relay and projections behind it, so bulk tasks really run to the end.
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { ProcessionOptions, RunningProcession } from '../../worker/procession';
import { startTestProcession, type TestProcession } from '../harness/procession';
import { bearer, testKeys } from '../harness/apiKeys';

// One Procession per test file: jest gives each file its own copy of this module.
let running: TestProcession;
let procession: RunningProcession;
const bin = path.join(__dirname, '../../bin/procession.js');

/** Procession for the test file's tests, with customers cli-00, cli-01, … registered; stopped after them. */
export function useCliProcession(
  label: string,
  customers: number,
  overrides: Partial<ProcessionOptions> = {},
): void {
  beforeAll(async () => {
    ({ procession } = running = await startTestProcession(label, {
      ...overrides,
      settings: { bulkPageSize: 10 },
    }));
    for (let i = 0; i < customers; i++) {
      await call('POST', '/customers', {
        body: { customerId: `cli-${String(i).padStart(2, '0')}`, name: 'C', email: 'c@example.com' },
      });
    }
  }, 120_000);

  afterAll(async () => {
    await running?.stop();
  });
}

export async function call<T = Record<string, unknown>>(
  method: string,
  urlPath: string,
  options: { body?: unknown; correlationId?: string; as?: Parameters<typeof bearer>[0] } = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${procession.apiUrl}${urlPath}`, {
    method,
    headers: {
      ...bearer(options.as ?? 'admin'),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.correlationId ? { 'x-correlation-id': options.correlationId } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `procession <args>` with the URL and key in the environment, as a user's shell would hold them. */
export function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        env: {
          PATH: process.env.PATH,
          PROCESSION_URL: procession.apiUrl,
          PROCESSION_KEY: testKeys.admin,
          ...env,
        },
        timeout: 90_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
