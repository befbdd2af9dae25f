// The horizon stress run outside jest, for long hunts and for trying it on another version of the code:
//   npx tsx test/faults/runHorizonStress.ts [seconds]
import { createTestDatabase } from '../harness/database';
import { runHorizonStress } from './horizonStress';

async function main() {
  const seconds = Number(process.argv[2] ?? 60);
  const database = await createTestDatabase();
  try {
    const report = await runHorizonStress({
      databaseUrl: database.url,
      pool: database.pool,
      seconds,
      serverAppenders: process.env.APPENDERS ? Number(process.env.APPENDERS) : undefined,
      engineAppenders: process.env.ENGINE ? Number(process.env.ENGINE) : undefined,
      strangers: process.env.STRANGERS ? Number(process.env.STRANGERS) : undefined,
      briskSeconds: process.env.BRISK ? Number(process.env.BRISK) : undefined,
      dawdleSeconds: process.env.DAWDLE ? Number(process.env.DAWDLE) : undefined,
      log: (line) => console.log(line),
    });
    const { readers, ...totals } = report;
    console.log(JSON.stringify(totals));
    for (const reader of readers)
      console.log(
        `${reader.name}: read ${reader.read}, missing ${reader.missing.length} ${JSON.stringify(reader.missing.slice(0, 5))}, ` +
          `duplicates ${reader.duplicates.length}, phantoms ${reader.phantoms.length}`,
      );
    const failed = readers.some((r) => r.missing.length + r.duplicates.length + r.phantoms.length > 0);
    console.log(failed ? 'SKIP FOUND' : 'no skip');
    process.exitCode = failed ? 1 : 0;
  } finally {
    await database.drop();
  }
}

void main();
