import fs from 'node:fs';
import net from 'node:net';
import { Client } from 'pg';
import { tcpAnswers } from '../../engine/postgres/target';
import { findFreePort } from '../../engine/temporal/freePort';
import { startTestDatabaseServer, testDatabaseServerUrl } from '../../engine/testing/testDatabaseServer';

// Which PostgreSQL a test run uses, with real sockets and a real embedded server: nothing is faked.

test('the probe: no for a port nothing listens on, yes for one a server holds', async () => {
  const silent = await findFreePort();
  await expect(tcpAnswers('127.0.0.1', silent, 1_000)).resolves.toBe(false);

  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as net.AddressInfo).port;
    await expect(tcpAnswers('127.0.0.1', port, 1_000)).resolves.toBe(true);
  } finally {
    server.close();
  }
});

test('DATABASE_URL=embedded: a run gets an embedded server of its own, gone after stop', async () => {
  const database = await startTestDatabaseServer('embedded');
  let scratch: string | undefined;
  try {
    expect(database.kind).toBe('embedded');
    const url = new URL(database.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.port).not.toBe('5432');
    expect(url.port).not.toBe('54329'); // npm start's port, which a run must not take from it
    scratch = /data in (\S+)\)$/.exec(database.description)?.[1];
    expect(scratch && fs.existsSync(scratch)).toBe(true);
    url.pathname = '/postgres';
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const { rows } = await client.query<{ server_version: string }>('show server_version');
      expect(rows[0]!.server_version).toMatch(/^17\./);
    } finally {
      await client.end();
    }
  } finally {
    await database.stop();
  }
  expect(fs.existsSync(scratch!)).toBe(false);
  await expect(tcpAnswers('127.0.0.1', Number(new URL(database.url).port), 1_000)).resolves.toBe(false);
});

test('DATABASE_URL unset: the server at the default address when it answers, else the embedded one', async () => {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const answering = `postgres://127.0.0.1:${(server.address() as net.AddressInfo).port}/procession`;
  try {
    const chosen = await startTestDatabaseServer(undefined, { defaultUrl: answering });
    await chosen.stop(); // before asserting: an embedded server started by mistake must not outlive the test
    expect(chosen).toMatchObject({ kind: 'server', url: answering });
  } finally {
    server.close();
  }
  const silent = `postgres://127.0.0.1:${await findFreePort()}/procession`;
  const embedded = await startTestDatabaseServer(undefined, { defaultUrl: silent });
  try {
    expect(embedded.kind).toBe('embedded');
  } finally {
    await embedded.stop();
  }
});

test('a suite that refuses the embedded server fails at once, saying why and what to do', async () => {
  const silent = `postgres://127.0.0.1:${await findFreePort()}/procession`;
  const started = Date.now();
  await expect(
    startTestDatabaseServer(undefined, { defaultUrl: silent, embeddedRefusedBecause: 'gdb needs a server.' }),
  ).rejects.toThrow(
    new RegExp(`unset and nothing answers at 127\\.0\\.0\\.1:\\d+.*gdb needs a server\\..*Set DATABASE_URL`),
  );
  await expect(startTestDatabaseServer('embedded', { embeddedRefusedBecause: 'gdb.' })).rejects.toThrow(
    /^DATABASE_URL=embedded, which means the embedded PostgreSQL, but gdb\./,
  );
  expect(Date.now() - started).toBeLessThan(5_000);
});

test('test files find the run’s server in the variable the global setup sets', () => {
  const url = new URL(testDatabaseServerUrl());
  expect(url.protocol).toBe('postgres:');
  expect(process.env.PROCESSION_TEST_DATABASE_URL).toBe(testDatabaseServerUrl());
});
