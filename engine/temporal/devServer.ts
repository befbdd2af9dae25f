import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { processionSearchAttributes } from '../saga/searchAttributes';
import { resolveTemporalCli } from '../../scripts/temporal-cli';
import { findFreePort } from './freePort';

export interface DevServerOptions {
  /** gRPC port; 0 picks a free one. */
  port?: number;
  /** Web UI port; 0 picks a free one. Ignored when `ui` is false. */
  uiPort?: number;
  ui?: boolean;
  /** SQLite file that keeps history across restarts; omitted means in-memory. */
  dbFile?: string;
  namespace?: string;
}

export interface DevServer {
  address: string;
  namespace: string;
  uiUrl?: string;
  pid: number;
  stop(): Promise<void>;
}

// The CLI names search attribute types in PascalCase.
const cliTypeName: Record<string, string> = {
  KEYWORD: 'Keyword',
  TEXT: 'Text',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/** Starts `temporal server start-dev` from the provisioned CLI and waits until its frontend answers. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = await resolveTemporalCli({ quiet: true });
  const namespace = options.namespace ?? 'default';
  const port = options.port || (await findFreePort());
  const ui = options.ui ?? true;
  const uiPort = ui ? options.uiPort || (await findFreePort()) : undefined;
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', namespace];
  args.push('--log-level', 'warn');
  if (ui && uiPort) args.push('--ui-port', String(uiPort));
  else args.push('--headless');
  if (options.dbFile) {
    fs.mkdirSync(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  for (const key of processionSearchAttributes) {
    args.push('--search-attribute', `${key.name}=${cliTypeName[key.type]}`);
  }

  const child = spawn(cli.path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const recentOutput: string[] = [];
  const remember = (chunk: Buffer) => {
    recentOutput.push(...chunk.toString().split('\n').filter(Boolean));
    recentOutput.splice(0, Math.max(0, recentOutput.length - 40));
  };
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);

  const address = `127.0.0.1:${port}`;
  try {
    await waitUntilServing(address, child, recentOutput);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return {
    address,
    namespace,
    uiUrl: uiPort ? `http://127.0.0.1:${uiPort}` : undefined,
    pid: child.pid ?? -1,
    stop: () => stopChild(child),
  };
}

async function waitUntilServing(address: string, child: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  for (;;) {
    if (exited !== undefined) {
      throw new Error(`temporal server start-dev exited with ${exited}:\n${output.join('\n')}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(
          `Temporal dev server did not answer on ${address} within 60s: ${String(error)}\n${output.join('\n')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(killTimer);
}
