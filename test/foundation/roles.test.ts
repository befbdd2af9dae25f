import {
  metricsListenerFromEnv,
  parseRoleList,
  temporalMetricsAddressFromEnv,
} from '../../engine/application/settingsFromEnv';
import { adminKeyOf, apiKeysFromEnvOrFile } from '../../engine/application/apiKeyFile';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const withEnv = (name: string, value: string | undefined, fn: () => void) => {
  const before = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  try {
    fn();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
};

test('ROLE=all runs every part and the dev server, unless TEMPORAL_ADDRESS names a server', () => {
  withEnv('TEMPORAL_ADDRESS', undefined, () => {
    expect(parseRoleList()).toEqual({
      temporalServer: true,
      roles: ['api', 'worker', 'relay', 'projections'],
    });
    expect(parseRoleList('all')).toEqual(parseRoleList());
  });
  withEnv('TEMPORAL_ADDRESS', 'temporal.example:7233', () => {
    expect(parseRoleList('all').temporalServer).toBe(false);
    expect(() => parseRoleList('temporal,api')).toThrow(/TEMPORAL_ADDRESS names a server already/);
  });
});

test('a comma-separated list runs just those parts; an unknown role is refused by name', () => {
  withEnv('TEMPORAL_ADDRESS', undefined, () => {
    expect(parseRoleList('relay, api')).toEqual({ temporalServer: false, roles: ['api', 'relay'] });
    expect(parseRoleList('temporal')).toEqual({ temporalServer: true, roles: [] });
    expect(() => parseRoleList('api,relays')).toThrow(
      /unknown role relays; use all or any of temporal, api, worker, relay, projections/,
    );
    expect(() => parseRoleList('all,api')).toThrow(/'all' stands alone/);
  });
});

test('without API_KEYS an admin key is created once in the file and kept', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procession-keys-'));
  const file = path.join(dir, 'api-keys');
  withEnv('API_KEYS', undefined, () => {
    const first = apiKeysFromEnvOrFile(file);
    expect(first.createdKey).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const second = apiKeysFromEnvOrFile(file);
    expect(second).toEqual({ spec: first.spec, source: file });
    expect(adminKeyOf(second.spec)).toBe(first.createdKey);
  });
  withEnv('API_KEYS', 'viewer:vvvvvvvvvvvvvvvv1', () => {
    expect(apiKeysFromEnvOrFile(file)).toEqual({ spec: 'viewer:vvvvvvvvvvvvvvvv1', source: 'API_KEYS' });
  });
  fs.rmSync(dir, { recursive: true, force: true });
});

test('METRICS_PORT and TEMPORAL_METRICS_PORT are optional ports on METRICS_HOST; a bad one is refused by name', () => {
  withEnv('METRICS_PORT', undefined, () => expect(metricsListenerFromEnv()).toBeUndefined());
  withEnv('METRICS_PORT', '9464', () =>
    withEnv('METRICS_HOST', undefined, () =>
      expect(metricsListenerFromEnv()).toEqual({ port: 9464, host: '127.0.0.1' }),
    ),
  );
  withEnv('METRICS_PORT', 'http', () =>
    expect(() => metricsListenerFromEnv()).toThrow('METRICS_PORT=http is not a port number.'),
  );
  withEnv('TEMPORAL_METRICS_PORT', undefined, () => expect(temporalMetricsAddressFromEnv()).toBeUndefined());
  withEnv('TEMPORAL_METRICS_PORT', '9465', () =>
    withEnv('METRICS_HOST', '0.0.0.0', () => expect(temporalMetricsAddressFromEnv()).toBe('0.0.0.0:9465')),
  );
  withEnv('TEMPORAL_METRICS_PORT', '70000', () =>
    expect(() => temporalMetricsAddressFromEnv()).toThrow(
      'TEMPORAL_METRICS_PORT=70000 is not a port number.',
    ),
  );
});
