import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** viewer: reads. operator: the shop's commands. admin: bulk tasks, parked-event replay, rebuilds. */
export type Role = 'viewer' | 'operator' | 'admin';
/** What a route needs; `public` routes (health, docs) need no key. */
export type Access = Role | 'public';

const rank: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
const roles = Object.keys(rank) as Role[];

export interface Identity {
  role: Role;
  /** `api-key:<role>:<fingerprint>`: recorded as the actor of every event the caller causes. */
  actor: string;
}

export interface ApiKeys {
  /** By the key's SHA-256, so the keys themselves are held nowhere but in the configuration. */
  byHash: ReadonlyMap<string, Identity>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A key's fingerprint: enough to tell keys apart in logs and on events, useless to an attacker. */
export function fingerprint(key: string): string {
  return sha256(key).slice(0, 12);
}

/**
 * Parses `API_KEYS`: comma-separated `<role>:<key>` entries, several per role allowed. Refuses a malformed
 * entry, an unknown role or a short key with a message that says which entry (never the key itself).
 */
export function parseApiKeys(spec: string): ApiKeys {
  const byHash = new Map<string, Identity>();
  const entries = spec
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new Error('API_KEYS is empty: give at least one <role>:<key> entry');
  entries.forEach((entry, index) => {
    const separator = entry.indexOf(':');
    const role = entry.slice(0, separator) as Role;
    const key = entry.slice(separator + 1);
    if (separator < 0 || !roles.includes(role))
      throw new Error(`API_KEYS entry ${index + 1} must be <role>:<key> with a role of ${roles.join(', ')}`);
    if (!/^[A-Za-z0-9._~+/=-]{16,200}$/.test(key))
      throw new Error(
        `API_KEYS entry ${index + 1} (${role}): a key is 16 to 200 characters of A-Z a-z 0-9 . _ ~ + / = -`,
      );
    byHash.set(sha256(key), { role, actor: `api-key:${role}:${fingerprint(key)}` });
  });
  return { byHash };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sent the request, from its API key; undefined on public routes. */
    identity?: Identity;
  }
  interface FastifyContextConfig {
    /** Who may call the route; by default GET needs viewer and any other method operator. */
    access?: Access;
  }
}

function refuse(response: FastifyReply, status: 401 | 403, message: string) {
  if (status === 401) response.header('www-authenticate', 'Bearer realm="procession"');
  return response.code(status).send({ error: status === 401 ? 'unauthorized' : 'forbidden', message });
}

/**
 * Every request names its key (`Authorization: Bearer <key>`) before anything else runs, so a refused
 * one is answered 401 or 403 without reading its body or writing anything.
 */
export function installAuthentication(app: FastifyInstance, keys: ApiKeys): void {
  app.addHook('onRequest', async (request: FastifyRequest, response: FastifyReply) => {
    const access: Access =
      request.routeOptions.config.access ?? (request.method === 'GET' ? 'viewer' : 'operator');
    if (access === 'public') return;
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer ([^\s]+)$/i.exec(header);
    if (!match)
      return refuse(
        response,
        401,
        header === undefined
          ? 'This route needs an API key: send Authorization: Bearer <key>'
          : 'The Authorization header must be: Bearer <key>',
      );
    const identity = keys.byHash.get(sha256(match[1]!));
    if (!identity) return refuse(response, 401, 'This API key is not known');
    if (rank[identity.role] < rank[access])
      return refuse(
        response,
        403,
        `This route needs the ${access} role; the key has the ${identity.role} role`,
      );
    request.identity = identity;
  });
}
