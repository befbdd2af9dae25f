#!/usr/bin/env node
// The CLI is TypeScript run through tsx, as every script of the project is: nothing to build first.
require('tsx/cjs/api').register();
require('../cli/main.ts')
  .main(process.argv)
  .catch((error) => {
    process.stderr.write(`procession: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  });
