import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Whom the embedded server runs as: this process's user, or (when that is root) an unprivileged one. */
export interface ServerUser {
  name: string;
  /** Set when the server runs as another user than this process. */
  uid?: number;
  gid?: number;
}

/** The OS user the embedded server runs as when Procession itself runs as root. */
export const unprivilegedUserName = 'postgres';

/**
 * PostgreSQL refuses to start as root ("root" execution of the PostgreSQL server is not permitted).
 * As root, the server runs as the OS user `postgres` when there is one (Debian's and most packages'
 * PostgreSQL create it); the data directory is then given to that user. Nothing on the system is
 * created or changed beyond that directory: without such a user the error says what to do.
 */
export function serverUser(reachable: readonly string[], name = unprivilegedUserName): ServerUser {
  if (process.platform === 'win32' || process.getuid?.() !== 0) {
    return { name: process.env.USER || 'current user' };
  }
  const uid = idOf(name, '-u');
  const gid = idOf(name, '-g');
  if (uid === undefined || gid === undefined) {
    throw new Error(
      'PostgreSQL refuses to run as root, and there is no OS user ' +
        `'${name}' to run the embedded server as. Do one of: run npm start as an ordinary ` +
        `user; create the user (useradd --system --user-group ${name}) and start again; ` +
        'or set DATABASE_URL to a PostgreSQL server.',
    );
  }
  for (const target of reachable) {
    const blocked = firstBlockedDirectory(target, uid, gid);
    if (blocked) {
      throw new Error(
        `As root, the embedded PostgreSQL runs as the OS user '${name}', which cannot ` +
          `enter ${blocked} (on the way to ${target}). Run npm start as an ordinary user, move the ` +
          'project where that user can read it, or set DATABASE_URL to a PostgreSQL server.',
      );
    }
  }
  return { name, uid, gid };
}

function idOf(name: string, flag: '-u' | '-g'): number | undefined {
  const result = spawnSync('id', [flag, name], { encoding: 'utf8' });
  const value = Number.parseInt(result.stdout ?? '', 10);
  return result.status === 0 && Number.isInteger(value) ? value : undefined;
}

/** The first directory above `target` (or `target`'s nearest existing self) that uid/gid cannot search. */
function firstBlockedDirectory(target: string, uid: number, gid: number): string | undefined {
  const chain: string[] = [];
  for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
    chain.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  for (const dir of chain) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(dir);
    } catch {
      return undefined; // not created yet: whoever creates it decides
    }
    const bits =
      stat.uid === uid ? (stat.mode >> 6) & 7 : stat.gid === gid ? (stat.mode >> 3) & 7 : stat.mode & 7;
    if ((bits & 1) === 0) return dir;
  }
  return undefined;
}
