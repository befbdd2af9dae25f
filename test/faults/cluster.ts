import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import type { Pool } from 'pg';
import { dropDatabase, ensureDatabaseExists, openPool } from '../../engine/eventstore/database';
import { migrate } from '../../engine/eventstore/migrate';
import { startDevServer, type DevServer } from '../../engine/temporal/devServer';
import { findFreePort } from '../../engine/temporal/freePort';
import { shopApplication } from '../../worker/application';
import { testApiKeysSpec, testKeys } from '../harness/apiKeys';
import { testDatabaseUrl } from '../harness/database';

const root = path.resolve(__dirname, '../..');

/** One Procession process (`worker/main.ts` with ROLE=…), started, killed with SIGKILL and restarted for real. */
export class RoleProcess {
  private child?: ChildProcess;
  private output: string[] = [];
  /** What this process printed since it was last started. */
  private current: string[] = [];
  readonly port?: number;
  kills = 0;

  constructor(
    readonly name: string,
    private readonly env: Record<string, string>,
    port?: number,
  ) {
    this.port = port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process and resolves once it says its roles run. */
  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
      cwd: root,
      env: { ...process.env, ...this.env, ...(this.port ? { PORT: String(this.port) } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const lines: string[] = [];
    this.current = lines;
    const ready = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          lines.push(line);
          this.output.push(`${this.name}: ${line}`);
          if (/\[procession\] running /.test(line)) resolve();
        }
        this.output.splice(0, Math.max(0, this.output.length - 400));
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, signal) =>
        reject(
          new Error(`${this.name} exited (${code ?? signal}) before it ran:\n${lines.slice(-30).join('\n')}`),
        ),
      );
    });
    await ready;
  }

  /** kill -9: no shutdown hook runs, connections are dropped by the kernel. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    this.kills++;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  logs(): string {
    return this.output.join('\n');
  }

  /** The lines of the current run only (a restarted process starts afresh). */
  linesSinceStart(): readonly string[] {
    return this.current;
  }
}

export interface FaultCluster {
  databaseUrl: string;
  pool: Pool;
  temporal: { address: string; client: TemporalClient; connection: Connection };
  /** A dev server of the cluster's own, with its history in a file, so it can be killed and restarted. */
  devServer: DevServer;
  restartDevServer(): Promise<void>;
  killDevServer(): Promise<void>;
  spawn(name: string, roles: string, env?: Record<string, string>): Promise<RoleProcess>;
  processes: RoleProcess[];
  close(): Promise<void>;
}

/**
 * A database, a Temporal dev server and a workflow bundle of the scenario's own; `spawn` starts
 * Procession processes with the roles asked for against them.
 */
export async function startFaultCluster(label: string): Promise<FaultCluster> {
  const databaseUrl = testDatabaseUrl();
  await ensureDatabaseExists(databaseUrl);
  await migrate(databaseUrl, { readModels: shopApplication.readModelMigrations });
  const pool = await openPool(databaseUrl);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `procession-faults-${label}-`));
  const dbFile = path.join(dir, 'temporal.sqlite');
  const port = await findFreePort();
  let devServer = await startDevServer({ ui: false, port, dbFile });
  let connection = await Connection.connect({ address: devServer.address });
  const temporal = { address: devServer.address, connection, client: new TemporalClient({ connection }) };
  const processes: RoleProcess[] = [];
  const taskQueue = `faults-${label}`;
  const bundle = process.env.PROCESSION_TEST_WORKFLOW_BUNDLE;

  return {
    databaseUrl,
    pool,
    temporal,
    get devServer() {
      return devServer;
    },
    async killDevServer() {
      process.kill(devServer.pid, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 200));
    },
    async restartDevServer() {
      devServer = await startDevServer({ ui: false, port, dbFile });
      await connection.close().catch(() => {});
      connection = await Connection.connect({ address: devServer.address });
      temporal.connection = connection;
      temporal.client = new TemporalClient({ connection });
    },
    processes,
    async spawn(name, roles, env = {}) {
      const withApi = roles.split(',').includes('api');
      const role = new RoleProcess(
        name,
        {
          ROLE: roles,
          DATABASE_URL: databaseUrl,
          TEMPORAL_ADDRESS: devServer.address,
          TEMPORAL_NAMESPACE: 'default',
          API_KEYS: testApiKeysSpec,
          RATE_LIMIT_PER_MINUTE: '0',
          DEMO: 'off',
          TASK_QUEUE: taskQueue,
          ...(bundle ? { WORKFLOW_BUNDLE: bundle } : {}),
          ...env,
        },
        withApi ? await findFreePort() : undefined,
      );
      processes.push(role);
      await role.start();
      return role;
    },
    async close() {
      await Promise.all(processes.map((each) => each.stop()));
      await connection.close().catch(() => {});
      await devServer.stop();
      await pool.end();
      await dropDatabase(databaseUrl);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The admin key's header, for calls to a cluster's API. */
export const adminHeaders = { authorization: `Bearer ${testKeys.admin}` };

/** Calls an API process; a refused connection (it is being killed) answers status 0. */
export async function call<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  urlPath: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  try {
    const response = await fetch(`${baseUrl}${urlPath}`, {
      method,
      headers: {
        ...adminHeaders,
        ...headers,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  } catch {
    return { status: 0, body: {} as T };
  }
}

export const randomBetween = (low: number, high: number) => low + Math.random() * (high - low);
