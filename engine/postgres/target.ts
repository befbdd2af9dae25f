import net from 'node:net';
import path from 'node:path';
import { defaultDatabaseUrl, redact } from '../eventstore/database';
import { embeddedDatabaseUrl, embeddedPortFromEnv, startEmbeddedPostgres } from './embeddedServer';

/** What DATABASE_URL asks for: a server at a URL, or the embedded PostgreSQL. */
export type DatabaseChoice = { kind: 'server'; url: string } | { kind: 'embedded' };

export const embeddedKeyword = 'embedded';

/**
 * `embedded` means the embedded server; any other value is a server's URL. Unset, the default server
 * (127.0.0.1:5432) is used when something answers there, else the embedded one: a machine with only
 * Node runs, and one with PostgreSQL installed keeps using it.
 */
export async function chooseDatabase(
  databaseUrl: string | undefined,
  options: { defaultUrl?: string; probeTimeoutMs?: number } = {},
): Promise<DatabaseChoice> {
  if (databaseUrl === embeddedKeyword) return { kind: 'embedded' };
  if (databaseUrl) return { kind: 'server', url: databaseUrl };
  const defaultUrl = options.defaultUrl ?? defaultDatabaseUrl;
  const { hostname, port } = new URL(defaultUrl);
  const answers = await tcpAnswers(hostname, Number(port || 5432), options.probeTimeoutMs ?? 1_000);
  return answers ? { kind: 'server', url: defaultUrl } : { kind: 'embedded' };
}

/** Whether anything accepts a TCP connection at host:port within the timeout (a refusal or silence: no). */
export function tcpAnswers(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The PostgreSQL a process uses, a line saying which, and how to leave it. */
export interface DatabaseTarget {
  url: string;
  /** For the console: which server, and where. */
  description: string;
  /** Whether this process started the server (and so stops it on shutdown). */
  started: boolean;
  stop(): Promise<void>;
}

export const defaultEmbeddedDataDir = path.resolve(__dirname, '../../data/postgres');

export interface DatabaseTargetOptions {
  /** DATABASE_URL's value. */
  databaseUrl: string | undefined;
  dataDir?: string;
  port?: number;
  defaultUrl?: string;
}

/** Resolves DATABASE_URL as `chooseDatabase` does and, for the embedded server, starts it. */
export async function startOrConnectDatabase(options: DatabaseTargetOptions): Promise<DatabaseTarget> {
  const choice = await chooseDatabase(options.databaseUrl, { defaultUrl: options.defaultUrl });
  if (choice.kind === 'server') {
    return {
      url: choice.url,
      description: `using PostgreSQL at ${redact(choice.url)}`,
      started: false,
      stop: async () => {},
    };
  }
  const dataDir = options.dataDir ?? defaultEmbeddedDataDir;
  const server = await startEmbeddedPostgres({ dataDir, port: options.port ?? embeddedPortFromEnv() });
  const relative = path.relative(process.cwd(), server.dataDir);
  const shownDir = relative && !relative.startsWith('..') ? relative : server.dataDir;
  const probed = new URL(options.defaultUrl ?? defaultDatabaseUrl).host;
  const why = options.databaseUrl ? '' : ` (DATABASE_URL unset and nothing answers at ${probed})`;
  const whose = server.started
    ? ''
    : `; it was running already (pid ${server.pid}, from an earlier run or another process) and is left ` +
      `running at exit (stop it with kill -INT ${server.pid})`;
  return {
    url: server.url,
    description: `using embedded PostgreSQL ${server.version} at ${shownDir} on port ${server.port}${why}${whose}`,
    started: server.started,
    stop: () => server.stop(),
  };
}

/**
 * For tools beside `npm start` (migrate, rebuild, relay rescan): the URL `npm start` resolves to, with
 * the embedded server expected to be running already.
 */
export async function runningDatabaseUrl(databaseUrl = process.env.DATABASE_URL): Promise<string> {
  const choice = await chooseDatabase(databaseUrl);
  return choice.kind === 'server' ? choice.url : embeddedDatabaseUrl(embeddedPortFromEnv());
}
