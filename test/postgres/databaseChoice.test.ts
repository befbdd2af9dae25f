import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { defaultDatabaseUrl } from '../../engine/eventstore/database';
import { serverUser } from '../../engine/postgres/serverUser';
import { chooseDatabase } from '../../engine/postgres/target';
import { findFreePort } from '../../engine/temporal/freePort';

// Real probes: a port nobody listens on, and one a TCP server holds open.
test('DATABASE_URL unset and nothing answering at the default address: the embedded server', async () => {
  const silent = `postgres://127.0.0.1:${await findFreePort()}/procession`;
  await expect(chooseDatabase(undefined, { defaultUrl: silent })).resolves.toEqual({ kind: 'embedded' });
  await expect(chooseDatabase('', { defaultUrl: silent })).resolves.toEqual({ kind: 'embedded' });
});

test('DATABASE_URL unset and a server answering at the default address: that server', async () => {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const answering = `postgres://127.0.0.1:${port}/procession`;
    await expect(chooseDatabase(undefined, { defaultUrl: answering })).resolves.toEqual({
      kind: 'server',
      url: answering,
    });
  } finally {
    server.close();
  }
  expect(defaultDatabaseUrl).toBe('postgres://127.0.0.1:5432/procession');
});

test('DATABASE_URL=embedded: the embedded server, even with a server at the default address', async () => {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const answering = `postgres://127.0.0.1:${port}/procession`;
    await expect(chooseDatabase('embedded', { defaultUrl: answering })).resolves.toEqual({
      kind: 'embedded',
    });
  } finally {
    server.close();
  }
});

test('DATABASE_URL set to a URL: that URL, whether or not anything answers there', async () => {
  const url = `postgres://app:secret@127.0.0.1:${await findFreePort()}/shop`;
  await expect(chooseDatabase(url)).resolves.toEqual({ kind: 'server', url });
});

const asRoot = process.getuid?.() === 0 ? test : test.skip;
const hasPostgresUser = spawnSync('id', ['-u', 'postgres']).status === 0;
const asRootWithPostgresUser = process.getuid?.() === 0 && hasPostgresUser ? test : test.skip;

asRoot('as root without an unprivileged OS user: an error that says what to do', () => {
  expect(() => serverUser([], 'procession-no-such-user')).toThrow(
    /refuses to run as root.*no OS user 'procession-no-such-user'.*ordinary user.*useradd.*DATABASE_URL/s,
  );
});

asRootWithPostgresUser(
  'as root: a data directory the unprivileged user cannot reach is named before anything starts',
  () => {
    const closed = fs.mkdtempSync(path.join(os.tmpdir(), 'procession-closed-')); // mode 0700, root's
    try {
      expect(() => serverUser([path.join(closed, 'data')])).toThrow(
        new RegExp(`OS user 'postgres', which cannot enter ${closed} .*DATABASE_URL`, 's'),
      );
    } finally {
      fs.rmSync(closed, { recursive: true, force: true });
    }
  },
);
