// @ts-check
// `npm run temporal -- <args>`: runs the provisioned Temporal CLI, so nobody installs it by hand.
'use strict';

const { spawn } = require('node:child_process');
const { resolveTemporalCli } = require('./temporal-cli');

resolveTemporalCli({ quiet: true })
  .then((cli) => {
    const child = spawn(cli.path, process.argv.slice(2), { stdio: 'inherit' });
    for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
      process.on(signal, () => child.kill(signal));
    }
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  })
  .catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
