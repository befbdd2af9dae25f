// `npm run start:spread`: Procession as a deployment runs it against a cluster (TEMPORAL_ADDRESS): two
// processes of each role — api (on PORT and PORT+1), worker, relay, projections — then the demo through
// the first API. Ctrl-C stops them all. See docs/deployment.md.
import path from 'node:path';
import { adminKeyOf, apiKeysFromEnvOrFile } from '../engine/application/apiKeyFile';
import { databaseUrlFromEnv } from '../engine/eventstore/database';
import { runDemo } from './demo';
import { shopApplication } from '../worker/application';
import { RoleProcess, smallPoolSize } from './roleProcess';

const say = (line: string) => process.stderr.write(`[spread] ${line}\n`);
const roles = ['api', 'worker', 'relay', 'projections'] as const;

async function main(): Promise<void> {
  if (!process.env.TEMPORAL_ADDRESS) {
    throw new Error(
      'TEMPORAL_ADDRESS is not set: start a cluster first (npm run temporal:cluster prints the line to export).',
    );
  }
  const replicas = Number(process.env.REPLICAS ?? 2);
  const firstPort = Number(process.env.PORT ?? 3000);
  const keys = apiKeysFromEnvOrFile(path.resolve(__dirname, '../data/api-keys'));
  const env = {
    DATABASE_URL: databaseUrlFromEnv(),
    API_KEYS: keys.spec,
    DEMO: 'off',
  };
  const processes: RoleProcess[] = [];
  for (const role of roles) {
    for (let i = 1; i <= replicas; i++) {
      const port = role === 'api' ? firstPort + i - 1 : undefined;
      // Eight processes share one PostgreSQL with the cluster: each pool as small as its role allows.
      const poolSize =
        process.env.DATABASE_POOL_SIZE ?? smallPoolSize(role, shopApplication.projections.length);
      processes.push(
        new RoleProcess(`${role}-${i}`, { ...env, ROLE: role, DATABASE_POOL_SIZE: poolSize }, port),
      );
    }
  }
  let stopping = false;
  const stopAll = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping ${processes.length} processes`);
    await Promise.all(processes.map((each) => each.stop()));
    process.exit(0);
  };
  process.on('SIGINT', () => void stopAll('SIGINT'));
  process.on('SIGTERM', () => void stopAll('SIGTERM'));
  // One at a time: the first applies the migrations, the others find them applied.
  for (const each of processes) {
    await each.start();
    say(`${each.name.padEnd(14)} pid ${each.pid}${each.port ? `  ${each.url}` : ''}`);
  }
  const apis = processes.filter((each) => each.name.startsWith('api-'));
  say(
    `all running against Temporal at ${process.env.TEMPORAL_ADDRESS}; APIs ${apis.map((a) => a.url).join(', ')}`,
  );
  const adminKey = adminKeyOf(keys.spec);
  if (process.env.DEMO !== 'off' && adminKey) {
    const figures = await runDemo(apis[0]!.url, say, { apiKey: adminKey, bulkCustomers: 2_000 });
    say(`demo finished: ${JSON.stringify(figures)}`);
  }
  setInterval(() => {
    for (const each of processes) if (!each.alive && !stopping) say(`${each.name} is not running`);
  }, 5_000).unref();
  await new Promise(() => {});
}

main().catch((error: Error) => {
  say(error.message);
  process.exit(1);
});
