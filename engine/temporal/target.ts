import path from 'node:path';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { startDevServer, type DevServer } from './devServer';
import { ensureSearchAttributes } from './searchAttributeRegistry';

/** The Temporal server Procession talks to, and how to leave it. */
export interface TemporalTarget {
  connectionOptions: ConnectionOptions;
  namespace: string;
  /** Where people watch sagas; undefined when unknown (an external cluster without TEMPORAL_UI_URL). */
  uiUrl?: string;
  /** Whether we started the server (and so stop it on shutdown). */
  started: boolean;
  stop(): Promise<void>;
}

export interface TemporalTargetOptions {
  ui?: boolean;
  /** Keep history in this SQLite file across restarts; omitted means in-memory. */
  dbFile?: string;
  port?: number;
  uiPort?: number;
}

export const defaultDevServerDbFile = path.resolve(__dirname, '../../data/temporal.sqlite');

/**
 * With TEMPORAL_ADDRESS set: connects to that server with the settings `@temporalio/envconfig` reads
 * (TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TLS, config profiles) and registers missing search attributes.
 * Without it: starts the dev server from the provisioned CLI.
 */
export async function startOrConnectTemporal(options: TemporalTargetOptions = {}): Promise<TemporalTarget> {
  if (process.env.TEMPORAL_ADDRESS) return connectExisting();
  const server: DevServer = await startDevServer({
    ui: options.ui ?? true,
    dbFile: options.dbFile,
    port: options.port ?? envPort('TEMPORAL_PORT', 7233),
    uiPort: options.uiPort ?? envPort('TEMPORAL_UI_PORT', 8233),
  });
  return {
    connectionOptions: { address: server.address },
    namespace: server.namespace,
    uiUrl: server.uiUrl,
    started: true,
    stop: () => server.stop(),
  };
}

/**
 * A server that is already running, for tools beside `npm start`: TEMPORAL_ADDRESS (with envconfig) when
 * set, else the dev server `npm start` runs on TEMPORAL_PORT.
 */
export async function connectRunningTemporal(options: { waitMs?: number } = {}): Promise<TemporalTarget> {
  // Started beside a `ROLE=temporal` process, the server may still be coming up: try until waitMs.
  const deadline = Date.now() + (options.waitMs ?? 0);
  for (;;) {
    try {
      const target = await connectExisting(`127.0.0.1:${envPort('TEMPORAL_PORT', 7233)}`);
      const uiUrl = process.env.TEMPORAL_ADDRESS
        ? target.uiUrl
        : (target.uiUrl ?? `http://127.0.0.1:${envPort('TEMPORAL_UI_PORT', 8233)}`);
      return { ...target, uiUrl };
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

async function connectExisting(defaultAddress?: string): Promise<TemporalTarget> {
  const config = loadClientConnectConfig();
  const namespace = config.namespace ?? 'default';
  const { tls, apiKey, metadata } = config.connectionOptions;
  const address = process.env.TEMPORAL_ADDRESS ? config.connectionOptions.address : defaultAddress;
  const connectionOptions: ConnectionOptions = { address, tls, apiKey, metadata };
  const connection = await Connection.connect(connectionOptions);
  try {
    await ensureSearchAttributes(connection, namespace);
  } finally {
    await connection.close();
  }
  return {
    connectionOptions,
    namespace,
    uiUrl: process.env.TEMPORAL_UI_URL,
    started: false,
    stop: async () => {},
  };
}

export function envPort(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${name}=${raw} is not a port number.`);
  return port;
}
