import { spawn } from 'node:child_process';
import os from 'node:os';
import { Client } from 'pg';
import { connectionConfig, dropDatabase, ensureDatabaseExists } from '../../eventstore/database';
import type { ClusterDatabases } from './clusterConfig';

/**
 * The cluster's two databases, on the server DATABASE_URL names, named after Procession's database
 * (`procession` → `procession_temporal`, `procession_temporal_visibility`) so each Procession database
 * gets a cluster of its own.
 */
export function clusterDatabasesFor(databaseUrl: string): ClusterDatabases & { urls: [string, string] } {
  const url = new URL(databaseUrl);
  const base = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'procession';
  const persistence = `${base}_temporal`;
  const visibility = `${base}_temporal_visibility`;
  if (visibility.length > 63) {
    throw new Error(`The cluster's database name ${visibility} is longer than PostgreSQL's 63 characters`);
  }
  const urlOf = (name: string) => Object.assign(new URL(url), { pathname: `/${name}` }).toString();
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username) || process.env.PGUSER || os.userInfo().username,
    password: decodeURIComponent(url.password),
    sslmode: url.searchParams.get('sslmode') ?? undefined,
    persistence,
    visibility,
    urls: [urlOf(persistence), urlOf(visibility)],
  };
}

/**
 * Creates both databases when missing and brings their schemas to the server's version with its own
 * schema tool and the schemas embedded in it; running it again changes nothing.
 */
export async function prepareClusterDatabases(
  sqlTool: string,
  databases: ReturnType<typeof clusterDatabasesFor>,
): Promise<void> {
  const schemas: Array<[string, string, string]> = [
    [databases.persistence, databases.urls[0], 'postgresql/v12/temporal'],
    [databases.visibility, databases.urls[1], 'postgresql/v12/visibility'],
  ];
  for (const [name, url, schemaName] of schemas) {
    await ensureDatabaseExists(url);
    const common = [
      '--plugin',
      'postgres12',
      '--endpoint',
      databases.host,
      '--port',
      String(databases.port),
      '--user',
      databases.user,
      '--password',
      databases.password,
      '--database',
      name,
      ...(databases.sslmode ? ['--connect-attributes', `sslmode=${databases.sslmode}`] : []),
    ];
    if (!(await hasVersionTable(url))) await runTool(sqlTool, [...common, 'setup-schema', '-v', '0.0']);
    await runTool(sqlTool, [...common, 'update-schema', '--schema-name', schemaName]);
  }
}

export async function dropClusterDatabases(databases: ReturnType<typeof clusterDatabasesFor>): Promise<void> {
  for (const url of databases.urls) await dropDatabase(url);
}

async function hasVersionTable(url: string): Promise<boolean> {
  const client = new Client(connectionConfig(url));
  client.on('error', () => {});
  await client.connect();
  try {
    const found = await client.query(`select to_regclass('public.schema_version') is not null as present`);
    return found.rows[0].present as boolean;
  } finally {
    await client.end();
  }
}

function runTool(tool: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(
            new Error(`temporal-sql-tool ${args.slice(-3).join(' ')} exited ${code}:\n${output.join('')}`),
          ),
    );
  });
}

/**
 * Whether a server process has written the cluster's metadata record. Every process writes it when it
 * finds none, and on a fresh database processes started together race for that write and the losers
 * exit ("failed to initialize current cluster metadata"); so the first process starts alone until this
 * says yes.
 */
export async function clusterMetadataWritten(
  databases: ReturnType<typeof clusterDatabasesFor>,
): Promise<boolean> {
  const client = new Client(connectionConfig(databases.urls[0]));
  client.on('error', () => {});
  await client.connect();
  try {
    const found = await client.query(`select exists (select 1 from cluster_metadata_info) as written`);
    return found.rows[0].written as boolean;
  } finally {
    await client.end();
  }
}
