import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { databaseUrlFromEnv, defaultDatabaseUrl, redact } from '../eventstore/database';
import { startEmbeddedPostgres } from '../postgres/embeddedServer';
import { chooseDatabase } from '../postgres/target';
import { findFreePort } from '../temporal/freePort';

/**
 * The variable through which a test run's global setup hands its PostgreSQL server to the test files:
 * jest's workers inherit the environment of the process that ran the setup.
 */
export const testDatabaseServerVariable = 'PROCESSION_TEST_DATABASE_URL';

/** The server test databases are created on: the run's (set by the global setup), else DATABASE_URL's. */
export function testDatabaseServerUrl(): string {
  return process.env[testDatabaseServerVariable] || databaseUrlFromEnv();
}

/** The PostgreSQL a whole test run uses, what to print about it, and how to let it go. */
export interface TestDatabaseServer {
  url: string;
  kind: 'server' | 'embedded';
  description: string;
  stop(): Promise<void>;
}

/**
 * Picks the run's PostgreSQL exactly as `npm start` does (`chooseDatabase`: a URL, `embedded`, or unset
 * and probed). The embedded server gets a scratch data directory and a free port of the run's own, so two
 * runs (or a run beside `npm start` on 54329) never share a cluster or clash on a port; it is deleted
 * when the run stops it.
 */
export async function startTestDatabaseServer(
  /** DATABASE_URL's value (passed, not read, so a caller can ask about any). */
  databaseUrl: string | undefined,
  options: {
    /** The address probed when DATABASE_URL is unset; 127.0.0.1:5432's by default. */
    defaultUrl?: string;
    /** Set by suites that need a server of their own: why the embedded one will not do. */
    embeddedRefusedBecause?: string;
  } = {},
): Promise<TestDatabaseServer> {
  const choice = await chooseDatabase(databaseUrl, { defaultUrl: options.defaultUrl });
  if (choice.kind === 'server') {
    return {
      url: choice.url,
      kind: 'server',
      description: `PostgreSQL at ${redact(choice.url)}`,
      stop: async () => {},
    };
  }
  if (options.embeddedRefusedBecause !== undefined) {
    const probed = new URL(options.defaultUrl ?? defaultDatabaseUrl).host;
    const asked = databaseUrl
      ? 'DATABASE_URL=embedded'
      : `DATABASE_URL is unset and nothing answers at ${probed}`;
    throw new Error(
      `${asked}, which means the embedded PostgreSQL, but ${options.embeddedRefusedBecause} ` +
        `Set DATABASE_URL to a PostgreSQL server's URL, or start the server at ${probed}.`,
    );
  }
  return startScratchEmbeddedServer();
}

async function startScratchEmbeddedServer(): Promise<TestDatabaseServer> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'procession-test-postgres-'));
  // As root the server runs as the OS user postgres, which must be able to enter the scratch folder.
  fs.chmodSync(scratch, 0o755);
  const remove = () => fs.rmSync(scratch, { recursive: true, force: true });
  try {
    // Not detached: Ctrl-C on the run reaches the server too (SIGINT, its fast shutdown) instead of
    // leaving it behind when jest stops without its global teardown.
    const server = await startEmbeddedPostgres({
      dataDir: path.join(scratch, 'postgres'),
      port: await findFreePort(),
      detached: false,
    });
    return {
      url: server.url,
      kind: 'embedded',
      description: `embedded PostgreSQL ${server.version} on port ${server.port} (data in ${scratch})`,
      stop: async () => {
        await server.stop();
        remove();
      },
    };
  } catch (error) {
    remove();
    throw error;
  }
}
