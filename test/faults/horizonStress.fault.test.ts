import { createTestDatabase, type TestDatabase } from '../harness/database';
import { runHorizonStress } from './horizonStress';

// Bounded for CI; HORIZON_STRESS_SECONDS=600 npm run test:faults -- horizonStress hunts for longer.
const seconds = Number(process.env.HORIZON_STRESS_SECONDS ?? 60);

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

test(
  `every reader reads every committed event exactly once and no rolled-back one (${seconds} s of racing appends)`,
  async () => {
    const report = await runHorizonStress({
      databaseUrl: database.url,
      pool: database.pool,
      seconds,
      log: (line) => console.log(`horizon stress: ${line}`),
    });
    console.log(
      `horizon stress: ${report.seconds.toFixed(0)} s, ${report.committedEvents} events committed, ` +
        `${report.rolledBackEvents} rolled back, ${report.strangerCommits} stranger commits; ` +
        report.readers
          .map((reader) => `${reader.name}: ${reader.read} read, ${reader.missing.length} missing`)
          .join('; '),
    );
    expect(report.committedEvents).toBeGreaterThan(0);
    expect(report.rolledBackEvents).toBeGreaterThan(0);
    for (const reader of report.readers) {
      expect({
        reader: reader.name,
        missing: reader.missing,
        duplicates: reader.duplicates,
        phantoms: reader.phantoms,
      }).toEqual({ reader: reader.name, missing: [], duplicates: [], phantoms: [] });
      expect(reader.read).toBe(report.committedEvents);
    }
  },
  (seconds + 180) * 1000,
);
