import { setUpTestRun } from './globalSetup';

// The fault scenarios have only ever been proven against a PostgreSQL server: horizonWindow freezes one
// of its backends with gdb, terminatedBackends ends every connection of a database, and each scenario
// loads it for minutes with several processes. Rather than run them unproven on the embedded server,
// the suite asks for a server before anything starts.
export default function faultsGlobalSetup(): Promise<void> {
  return setUpTestRun({
    embeddedRefusedBecause:
      'the fault scenarios (npm run test:faults) need a PostgreSQL server: they freeze backends with gdb, ' +
      'terminate every connection and load it for minutes, and are proven on a server only.',
  });
}
