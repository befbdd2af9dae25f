import { parseApiKeys } from '../../engine/http/auth';

/** The keys every API test uses: one per role. */
export const testKeys = {
  admin: 'test-admin-key-0123456789',
  operator: 'test-operator-key-0123456789',
  viewer: 'test-viewer-key-0123456789',
} as const;

export const testApiKeysSpec = Object.entries(testKeys)
  .map(([role, key]) => `${role}:${key}`)
  .join(',');

export const testApiKeys = parseApiKeys(testApiKeysSpec);

export const bearer = (role: keyof typeof testKeys) => ({ authorization: `Bearer ${testKeys[role]}` });
