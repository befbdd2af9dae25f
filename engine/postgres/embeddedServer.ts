import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { findPostgresBinaries } from './binaries';
import { serverUser, type ServerUser } from './serverUser';

export interface EmbeddedPostgresOptions {
  /** The cluster's data directory; created (initdb) when it holds none, reused when it does. */
  dataDir: string;
  port: number;
  /**
   * A process group of the server's own (the default): Ctrl-C in the terminal does not reach it, so the
   * caller stops it last. False leaves it in the caller's group, for runs that may end without a stop.
   */
  detached?: boolean;
}

export interface EmbeddedPostgres {
  /** The `procession` database on this server (created on first use by the caller's migrate). */
  url: string;
  version: string;
  dataDir: string;
  port: number;
  /** False when a server from an earlier run still held the data directory and we connected to it. */
  started: boolean;
  pid: number;
  /** A fast shutdown (sessions ended, a checkpoint written); a no-op for a server we did not start. */
  stop(): Promise<void>;
}

export const embeddedSuperuser = 'postgres';

/** Not 5432, so a PostgreSQL installed later starts on its usual port without a clash. */
export const defaultEmbeddedPort = 54329;

export function embeddedPortFromEnv(): number {
  const raw = process.env.EMBEDDED_POSTGRES_PORT;
  if (raw === undefined || raw === '') return defaultEmbeddedPort;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`EMBEDDED_POSTGRES_PORT=${raw} is not a port number.`);
  return port;
}

export function embeddedDatabaseUrl(port: number, database = 'procession'): string {
  return `postgres://${embeddedSuperuser}@127.0.0.1:${port}/${database}`;
}

/**
 * Runs PostgreSQL from the npm-installed binaries: initdb on first use, then the server on 127.0.0.1
 * only, trust authentication, no Unix socket. Its output goes to `<dataDir>.log`.
 *
 * The server runs in a process group of its own so that Ctrl-C in a terminal reaches only us: the
 * caller stops it last, after everything that uses it has let go.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const { port } = options;
  const binaries = findPostgresBinaries();
  const describe = { version: binaries.version, dataDir, port, url: embeddedDatabaseUrl(port) };

  const running = await serverStillRunning(dataDir, port);
  if (running) return { ...describe, started: false, pid: running, stop: async () => {} };

  const user = serverUser([binaries.root, path.dirname(dataDir)]);
  const logFile = `${dataDir}.log`;
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (user.uid !== undefined) fs.chownSync(dataDir, user.uid, user.gid!);

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    const args = ['-D', dataDir, '-U', embeddedSuperuser, '-A', 'trust', '-E', 'UTF8', '--locale=C'];
    const code = await runToLog(binaries.initdb, args, user, logFile);
    if (code !== 0) throw failure(`initdb exited with ${code}`, logFile, user);
  }

  const serverArgs = ['-D', dataDir, '-p', String(port)];
  serverArgs.push('-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=');
  const child = spawnToLog(binaries.postgres, serverArgs, user, logFile, {
    detached: options.detached ?? true,
  });
  try {
    await waitUntilAccepting(port, child);
  } catch (error) {
    await stopServer(child);
    throw failure((error as Error).message, logFile, user);
  }
  return { ...describe, started: true, pid: child.pid ?? -1, stop: () => stopServer(child) };
}

function spawnToLog(
  file: string,
  args: string[],
  user: ServerUser,
  logFile: string,
  extra: { detached?: boolean } = {},
): ChildProcess {
  const log = fs.openSync(logFile, 'a');
  try {
    return spawn(file, args, {
      stdio: ['ignore', log, log],
      uid: user.uid,
      gid: user.gid,
      // initdb and the server pick their messages' language from here; English keeps the log greppable.
      env: { ...process.env, LC_MESSAGES: 'C' },
      windowsHide: true,
      ...extra,
    });
  } finally {
    fs.closeSync(log);
  }
}

function runToLog(file: string, args: string[], user: ServerUser, logFile: string): Promise<number | null> {
  const child = spawnToLog(file, args, user, logFile);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
}

async function waitUntilAccepting(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = signal ?? String(code)));
  child.once('error', (error) => (exited = error.message));
  for (;;) {
    if (exited !== undefined) throw new Error(`PostgreSQL exited (${exited}) while starting`);
    if (await accepts(port)) return;
    if (Date.now() > deadline)
      throw new Error(`PostgreSQL did not accept connections on port ${port} within 60s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function accepts(port: number): Promise<boolean> {
  const client = new Client({ host: '127.0.0.1', port, user: embeddedSuperuser, database: 'postgres' });
  client.on('error', () => {});
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A server from an earlier run that was never stopped (the process was killed) keeps the data
 * directory locked; it is ours if its lock file names a live process on our port that accepts us.
 */
async function serverStillRunning(dataDir: string, port: number): Promise<number | undefined> {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || !isAlive(pid)) return undefined; // stale: the server clears it itself
  if (Number(lines[3]) !== port) {
    throw new Error(
      `${dataDir} is in use by a PostgreSQL (pid ${pid}) on port ${lines[3]}, not ${port}; stop it (kill -INT ${pid}) first.`,
    );
  }
  if (await accepts(port)) return pid;
  throw new Error(
    `${dataDir}/postmaster.pid names pid ${pid}, which is alive but does not answer on port ${port}; ` +
      `stop it (kill -INT ${pid}), or delete that file if the process is no PostgreSQL.`,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // SIGINT is PostgreSQL's fast shutdown; SIGQUIT (immediate, crash recovery on next start) is the fallback.
  child.kill('SIGINT');
  const quitTimer = setTimeout(() => child.kill('SIGQUIT'), 30_000);
  await exited;
  clearTimeout(quitTimer);
}

function failure(message: string, logFile: string, user: ServerUser): Error {
  let tail = '';
  try {
    tail = fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
  } catch {
    // no log written
  }
  const hints: string[] = [];
  if (/address already in use/i.test(tail)) hints.push('set EMBEDDED_POSTGRES_PORT to a free port');
  if (/permission denied/i.test(tail) && user.uid !== undefined)
    hints.push(`the server runs as the OS user ${user.name}, which needs to read and write these paths`);
  return new Error(
    `Embedded PostgreSQL failed: ${message}${hints.length ? ` (${hints.join('; ')})` : ''}. ` +
      `From ${logFile}:\n${tail}`,
  );
}
