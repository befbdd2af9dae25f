import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import type { ApiDependencies } from '../../engine/http/dependencies';
import { projectionPosition, runProjection } from '../../engine/projections/projectionRunner';
import { installEventSchemas } from '../../engine/eventstore/upcasting';
import { shopApplication } from '../../worker/application';
import { bearer, testApiKeys } from '../harness/apiKeys';
import { readableLogHead } from '../../engine/eventstore/logHead';
import { comparePositions, type LogPosition } from '../../engine/eventstore/types';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { connectTestTemporal, type TestTemporal } from '../harness/temporal';

export const uiUrl = 'http://temporal-ui.test';

/** An id of its own for each test, so the tests sharing a file's database do not meet. */
export const uniqueId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

export interface ApiRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string is sent as it is. */
  payload?: unknown;
}

export interface ApiResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever the route answered
  json(): any;
}

const listening = new WeakMap<FastifyInstance, Promise<number>>();

/** Listens on a free port the first time, once even when requests start concurrently. */
function portOf(app: FastifyInstance): Promise<number> {
  let port = listening.get(app);
  if (!port) {
    port = app
      .listen({ host: '127.0.0.1', port: 0 })
      .then(() => (app.server.address() as { port: number }).port);
    listening.set(app, port);
  }
  return port;
}

/**
 * Sends a request over a real socket. app.inject() would be lighter, but light-my-request needs cookie@2,
 * an ES module jest cannot load on Node 20 under this project's jest config.
 */
export async function send(app: FastifyInstance, request: ApiRequest): Promise<ApiResponse> {
  const port = await portOf(app);
  // As admin unless the test says who it is (or `authorization: ''` for no key at all).
  const headers: Record<string, string> = { ...bearer('admin'), ...request.headers };
  if (headers.authorization === '') delete headers.authorization;
  let body: string | undefined;
  if (typeof request.payload === 'string') body = request.payload;
  else if (request.payload !== undefined) {
    body = JSON.stringify(request.payload);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`http://127.0.0.1:${port}${request.url}`, {
    method: request.method,
    headers,
    body,
  });
  const text = await response.text();
  return {
    statusCode: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    body: text,
    json: () => JSON.parse(text),
  };
}

export interface ApiTest {
  app: FastifyInstance;
  database: TestDatabase;
  temporal: TestTemporal;
  deps: ApiDependencies;
  /** An app over the same database and Temporal with other settings. */
  appWith(overrides: Partial<ApiDependencies>): FastifyInstance;
  request(options: ApiRequest): Promise<ApiResponse>;
  /** Rows in the log and in the command table: what "nothing was written" is checked against. */
  writes(): Promise<{ events: number; commands: number }>;
  /** Brings every read model up to every event committed so far, as the projection process would. */
  project(): Promise<void>;
  /** Waits until gap-safe readers (the projection, the log head) can see the log up to `position`. */
  waitUntilReadable(position: LogPosition): Promise<void>;
  /** A workflow the test started without a worker: terminated by close(). */
  trackWorkflow(workflowId: string): void;
  close(): Promise<void>;
}

export async function startApiTest(label: string): Promise<ApiTest> {
  installEventSchemas(shopApplication.eventSchemas);
  const [database, temporal] = await Promise.all([createTestDatabase(), connectTestTemporal(label)]);
  const deps: ApiDependencies = {
    pool: database.pool,
    application: shopApplication,
    apiKeys: testApiKeys,
    temporal: { client: temporal.client, namespace: temporal.namespace, uiUrl },
    temporalTimeoutMs: 2_000,
  };
  const apps: FastifyInstance[] = [];
  const startedWorkflows: string[] = [];
  const appWith = (overrides: Partial<ApiDependencies>) => {
    const app = buildApp({ ...deps, ...overrides });
    apps.push(app);
    return app;
  };
  const app = appWith({});
  return {
    app,
    database,
    temporal,
    deps,
    appWith,
    request: (options) => send(app, options),
    writes: async () => {
      const result = await database.pool.query<{ events: number; commands: number }>(
        `select (select count(*) from events)::int as events,
                (select count(*) from processed_commands)::int as commands`,
      );
      return result.rows[0]!;
    },
    project: async () => {
      const last = await database.pool.query<LogPosition>(
        `select transaction_id::text as "transactionId", global_position::text as "globalPosition"
         from events order by events.transaction_id desc, events.global_position desc limit 1`,
      );
      const target = last.rows[0];
      for (const projection of shopApplication.projections) {
        await until(async () => {
          await runProjection(database.pool, projection).catchUp();
          return (
            !target || comparePositions(await projectionPosition(database.pool, projection), target) >= 0
          );
        });
      }
    },
    waitUntilReadable: (position) =>
      until(async () => {
        const head = await readableLogHead(database.pool);
        return head !== undefined && comparePositions(head, position) >= 0;
      }),
    trackWorkflow: (workflowId) => startedWorkflows.push(workflowId),
    close: async () => {
      for (const workflowId of startedWorkflows) {
        await temporal.client.workflow
          .getHandle(workflowId)
          .terminate('test cleanup')
          .catch(() => undefined);
      }
      await Promise.all(apps.map((each) => each.close()));
      await temporal.close();
      await database.drop();
    },
  };
}

/**
 * Gap-safe readers see only events below the oldest running transaction of the whole PostgreSQL server,
 * and other test files hold transactions open on purpose: wait them out rather than assume one pass.
 */
async function until(done: () => Promise<boolean>, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`still waiting after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** The request must be refused with a 400 that says what is wrong, and leave the database untouched. */
export async function expectRejectedWithoutWrites(
  api: ApiTest,
  options: ApiRequest,
  message: string | RegExp,
): Promise<void> {
  const before = await api.writes();
  const response = await api.request(options);
  expect({ status: response.statusCode, error: response.json().error }).toEqual({
    status: 400,
    error: 'ValidationFailed',
  });
  expect(response.json().message).toEqual(
    typeof message === 'string' ? message : expect.stringMatching(message),
  );
  expect(await api.writes()).toEqual(before);
}
