import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);

/**
 * A throwaway PostgreSQL cluster of the test's own, started from the installed server binaries.
 *
 * Transaction ids belong to the whole server and only ever grow, so tests that need them near a power of
 * ten cannot burn them on the shared server: each run would move it up by as much as 9·10^n for good. A
 * private cluster starts its ids where the test wants (pg_resetwal) and is deleted afterwards.
 */
export interface PrivateCluster {
  /** Connection URL for a database on this cluster (created by the caller). */
  urlFor(database: string): string;
  /** Commits empty transactions until the next transaction id is `next` (an xid8, epoch included). */
  burnTransactionIdsUntil(next: bigint): Promise<void>;
  /** The xid8 the next writing transaction will get. */
  nextTransactionId(): Promise<bigint>;
  stop(): Promise<void>;
}

/** pg_xact and pg_subtrans files hold 2^20 ids each; a fresh next id must start one (see pg_resetwal -x). */
const idsPerSegment = 1_048_576n;

export async function startPrivateCluster(options: { nextTransactionId: bigint }): Promise<PrivateCluster> {
  const epoch = options.nextTransactionId >> 32n;
  const xid = options.nextTransactionId & 0xffffffffn;
  if (xid % idsPerSegment !== 0n || xid < idsPerSegment)
    throw new Error(`the next transaction id's low 32 bits (${xid}) must be a positive multiple of 2^20`);

  const bin = await serverBinaries();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'procession-pg-'));
  const data = path.join(dir, 'data');
  const asOwner = await ownerOf(dir);
  const port = await freePort();
  try {
    await asOwner(path.join(bin, 'initdb'), [
      '-D',
      data,
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
      '-E',
      'UTF8',
    ]);
    await asOwner(path.join(bin, 'pg_resetwal'), ['-D', data, '-x', xid.toString(), '-e', epoch.toString()]);
    const settings = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
    ].join(' ');
    await asOwner(path.join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-l',
      path.join(dir, 'log'),
      '-o',
      settings,
      '-w',
      'start',
    ]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  const urlFor = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const query = async <T>(sql: string): Promise<T[]> => {
    const client = new Client({ connectionString: urlFor('postgres') });
    client.on('error', () => {});
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  };
  const nextTransactionId = async () =>
    BigInt(
      (await query<{ next: string }>('select pg_snapshot_xmax(pg_current_snapshot())::text as next'))[0]!
        .next,
    );

  return {
    urlFor,
    nextTransactionId,
    async burnTransactionIdsUntil(next) {
      const count = next - (await nextTransactionId());
      if (count <= 0n) return;
      // A procedure may commit inside its loop: one round trip, ~10^5 ids per second.
      await query(
        `do $$ begin for i in 1..${count} loop perform pg_current_xact_id(); commit; end loop; end $$`,
      );
    },
    async stop() {
      await asOwner(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The installed server's bin folder: pg_config's, else the newest under /usr/lib/postgresql. */
async function serverBinaries(): Promise<string> {
  const bin = installedServerBinaries();
  if (!bin) throw new Error(missingBinaries);
  return bin;
}

// pg_resetwal is what sets the first transaction id; the embedded PostgreSQL's npm build has no such tool.
const neededTools = ['initdb', 'pg_ctl', 'pg_resetwal'];
const missingBinaries =
  'PostgreSQL server binaries (initdb, pg_ctl, pg_resetwal) not found: install postgresql ' +
  '(the embedded PostgreSQL from npm ships no pg_resetwal)';

function installedServerBinaries(): string | undefined {
  const complete = (bin: string) => neededTools.every((tool) => existsSync(path.join(bin, tool)));
  let fromConfig: string | undefined;
  try {
    fromConfig = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: 'pipe' }).trim();
  } catch {
    fromConfig = undefined;
  }
  if (fromConfig && complete(fromConfig)) return fromConfig;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  return versions.map((version) => path.join(root, version, 'bin')).find(complete);
}

/**
 * `test`, or `test.skip` (saying why) on a machine without PostgreSQL's server binaries, such as one
 * where `npm test` runs on the embedded PostgreSQL: the tests that need a private cluster are skipped
 * there instead of failing, and run wherever PostgreSQL is installed.
 */
export function privateClusterTest(): jest.It {
  if (installedServerBinaries()) return test;
  console.warn(`Skipping the private-cluster tests of this file: ${missingBinaries}.`);
  return test.skip;
}

/** `describe`, or `describe.skip` (saying why), as `privateClusterTest`. */
export function privateClusterDescribe(): jest.Describe {
  if (installedServerBinaries()) return describe;
  console.warn(`Skipping the private-cluster tests of this file: ${missingBinaries}.`);
  return describe.skip;
}

/** initdb refuses to run as root: as root, the cluster belongs to the postgres user. */
async function ownerOf(dir: string) {
  if (process.getuid?.() !== 0) return (file: string, args: string[]) => run(file, args);
  await run('chown', ['postgres:postgres', dir]);
  return (file: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', file, ...args]);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
