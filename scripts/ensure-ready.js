// @ts-check
// Runs before `npm start` and `npm test`: installs dependencies when they are missing or stale and
// provisions the Temporal CLI, so both commands work on a fresh clone with nothing done first.
// It asks nothing of PostgreSQL: both commands pick a server, or start the embedded one, themselves.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { resolveTemporalCli } = require('./temporal-cli');

const root = path.resolve(__dirname, '..');

function dependenciesAreCurrent() {
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (!fs.existsSync(installed)) return false;
  return fs.statSync(installed).mtimeMs >= fs.statSync(lock).mtimeMs;
}

async function main() {
  if (!dependenciesAreCurrent()) {
    process.stderr.write('[ready] installing dependencies with npm ci\n');
    const result = spawnSync('npm', ['ci'], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) throw new Error('npm ci failed; see the output above.');
  }
  // With TEMPORAL_ADDRESS the project uses that server and never starts the CLI.
  if (!process.env.TEMPORAL_ADDRESS) await resolveTemporalCli();
}

main().catch((error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
