import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The API keys for `npm start`: API_KEYS when set; otherwise the file the application names (the shop's
 * is under data/, git-ignored), created once with one admin key. Returns the spec and, when the file was just created, the new key to print.
 */
export function apiKeysFromEnvOrFile(file: string): {
  spec: string;
  source: string;
  createdKey?: string;
} {
  if (process.env.API_KEYS) return { spec: process.env.API_KEYS, source: 'API_KEYS' };
  if (fs.existsSync(file)) return { spec: fs.readFileSync(file, 'utf8').trim(), source: file };
  const key = randomBytes(24).toString('base64url');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Readable by this user only: it is a credential.
  fs.writeFileSync(file, `admin:${key}\n`, { mode: 0o600 });
  return { spec: `admin:${key}`, source: file, createdKey: key };
}

/** The admin key in a spec, for the demo and the printed curl line. */
export function adminKeyOf(spec: string): string | undefined {
  const entry = spec
    .split(',')
    .map((part) => part.trim())
    .find((part) => part.startsWith('admin:'));
  return entry?.slice('admin:'.length);
}
