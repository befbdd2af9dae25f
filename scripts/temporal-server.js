// @ts-check
// Finds the Temporal server, its SQL schema tool and the Web UI server for `npm run temporal:cluster`,
// building them from the Go module proxy into Procession's cache when missing (once; the server's first
// build takes minutes). Plain CommonJS, like temporal-cli.js, so CI can provision before anything runs.
'use strict';

const path = require('node:path');
const { cacheRoot, goCommand, goInstall, isExecutable } = require('./go-install');

// The newest server tag whose go.mod has no `replace` directives, and the UI server the CLI 1.5.1 embeds.
const SERVER_VERSION = '1.29.1';
const UI_SERVER_VERSION = '2.42.1';

const serverDir = () => path.join(cacheRoot(), `temporal-server-${SERVER_VERSION}`);
const uiDir = () => path.join(cacheRoot(), `temporal-ui-server-${UI_SERVER_VERSION}`);

const HELP = [
  'The Temporal server binaries are not available and Go is not installed to build them.',
  `Install Go and run this again, or build them yourself:`,
  `  CGO_ENABLED=0 go install go.temporal.io/server/cmd/server@v${SERVER_VERSION} go.temporal.io/server/cmd/tools/sql@v${SERVER_VERSION}`,
  'and set TEMPORAL_SERVER_BIN and TEMPORAL_SQL_TOOL to the two binaries.',
].join('\n');

/** @param {string} envName @param {string} cached */
function fromEnvOrCache(envName, cached) {
  const fromEnv = process.env[envName];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`${envName}=${fromEnv} is not an executable file.`);
    return fromEnv;
  }
  return isExecutable(cached) ? cached : undefined;
}

/**
 * The server and schema tool (required) and the UI server (optional: `ui` says why it is missing).
 * @returns {Promise<{ server: string, sqlTool: string, ui?: string, uiMissing?: string }>}
 */
async function resolveTemporalServer() {
  let server = fromEnvOrCache('TEMPORAL_SERVER_BIN', path.join(serverDir(), 'server'));
  let sqlTool = fromEnvOrCache('TEMPORAL_SQL_TOOL', path.join(serverDir(), 'sql'));
  let ui = fromEnvOrCache('TEMPORAL_UI_SERVER', path.join(uiDir(), 'server'));
  const goBin = goCommand();
  if (!server || !sqlTool) {
    if (!goBin) throw new Error(HELP);
    const built = await goInstall({
      label: 'temporal-server',
      goBin,
      packages: [
        `go.temporal.io/server/cmd/server@v${SERVER_VERSION}`,
        `go.temporal.io/server/cmd/tools/sql@v${SERVER_VERSION}`,
      ],
      dir: serverDir(),
      expect: ['server', 'sql'],
      ldflags: '-s -w',
    });
    if (!built) throw new Error(`Building the Temporal server v${SERVER_VERSION} failed.\n${HELP}`);
    server = path.join(serverDir(), 'server');
    sqlTool = path.join(serverDir(), 'sql');
  }
  let uiMissing;
  if (!ui && goBin) {
    const built = await goInstall({
      label: 'temporal-ui-server',
      goBin,
      packages: [`github.com/temporalio/ui-server/v2/cmd/server@v${UI_SERVER_VERSION}`],
      dir: uiDir(),
      expect: ['server'],
      ldflags: '-s -w',
    });
    if (built) ui = path.join(uiDir(), 'server');
    else uiMissing = `building github.com/temporalio/ui-server/v2@v${UI_SERVER_VERSION} failed`;
  } else if (!ui) {
    uiMissing = 'Go is not installed to build the Web UI server';
  }
  return { server, sqlTool, ui, uiMissing };
}

module.exports = { resolveTemporalServer, SERVER_VERSION, UI_SERVER_VERSION };

if (require.main === module) {
  const started = Date.now();
  resolveTemporalServer()
    .then((found) => {
      process.stdout.write(
        `${found.server}\n${found.sqlTool}\n${found.ui ?? `no Web UI: ${found.uiMissing}`}\n`,
      );
      process.stderr.write(`[temporal-server] ready in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    })
    .catch((error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    });
}
