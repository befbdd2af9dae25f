// @ts-check
// Finds the Temporal CLI (which contains the dev server and Web UI), building it from source when it is
// missing. Plain CommonJS with no dependencies, so it works before `npm ci` and from any entry point.
'use strict';

const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { cacheRoot, goCommand, goInstall, isExecutable, onPath } = require('./go-install');

const CLI_VERSION = '1.5.1';
// Nearest tags whose go.mod has no `replace` directives, so `go install pkg@tag` works.
const FALLBACK_TAGS = ['v1.5.1', 'v1.5.0', 'v1.4.1'];
const CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

const INSTALL_HELP = [
  'The Temporal CLI is not available and Go is not installed to build it.',
  'Do one of:',
  '  - install Go (https://go.dev/dl/) and run this command again: it builds the CLI into the cache;',
  `  - run: CGO_ENABLED=0 go install ${CLI_MODULE}@v${CLI_VERSION}  and put it on PATH;`,
  '  - download a release from https://github.com/temporalio/cli/releases and set TEMPORAL_CLI=/path/to/temporal;',
  '  - or point Procession at a running server with TEMPORAL_ADDRESS=host:port (nothing is started then).',
].join('\n');

/** @param {string} tag */
function cachedBinary(tag) {
  return path.join(cacheRoot(), `temporal-${tag.replace(/^v/, '')}`, 'temporal');
}

/**
 * Where the CLI is, without building it.
 * @returns {{ path: string, source: string } | undefined}
 */
function findTemporalCli() {
  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`TEMPORAL_CLI=${fromEnv} is not an executable file.`);
    return { path: fromEnv, source: 'TEMPORAL_CLI' };
  }
  const fromPath = onPath('temporal');
  if (fromPath) return { path: fromPath, source: 'PATH' };
  for (const tag of FALLBACK_TAGS) {
    const cached = cachedBinary(tag);
    if (isExecutable(cached)) return { path: cached, source: `cache (${cached})` };
  }
  return undefined;
}

/** @param {string} goBin @param {string} tag @returns {Promise<boolean>} */
function buildTag(goBin, tag) {
  // The release pipeline stamps the version the same way; without it `temporal --version` says 0.0.0-DEV.
  const ldflags = `-s -w -X github.com/temporalio/cli/temporalcli.Version=${tag.replace(/^v/, '')}`;
  const target = cachedBinary(tag);
  return goInstall({
    label: 'temporal-cli',
    goBin,
    packages: [`${CLI_MODULE}@${tag}`],
    dir: path.dirname(target),
    expect: [path.basename(target)],
    ldflags,
  });
}

/**
 * Finds the CLI or builds it. Order: TEMPORAL_CLI → `temporal` on PATH → per-user cache → go install.
 * @param {{ quiet?: boolean }} [options]
 * @returns {Promise<{ path: string, source: string }>}
 */
async function resolveTemporalCli(options = {}) {
  const found = findTemporalCli();
  if (found) {
    if (!options.quiet) process.stderr.write(`[temporal-cli] using ${found.path} (from ${found.source})\n`);
    return found;
  }
  const goBin = goCommand();
  if (!goBin) throw new Error(INSTALL_HELP);
  for (const tag of FALLBACK_TAGS) {
    if (await buildTag(goBin, tag)) {
      const built = cachedBinary(tag);
      process.stderr.write(`[temporal-cli] using ${built} (built from ${tag})\n`);
      return { path: built, source: `built from ${tag}` };
    }
  }
  throw new Error(`Building the Temporal CLI failed for ${FALLBACK_TAGS.join(', ')}.\n${INSTALL_HELP}`);
}

/** @param {string} cli @returns {string} */
function cliVersion(cli) {
  const out = spawnSync(cli, ['--version'], { encoding: 'utf8' });
  return (out.stdout || '').trim();
}

module.exports = { resolveTemporalCli, findTemporalCli, cliVersion, CLI_VERSION, INSTALL_HELP };

if (require.main === module) {
  resolveTemporalCli()
    .then((cli) => process.stdout.write(`${cli.path}\n${cliVersion(cli.path)}\n`))
    .catch((error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    });
}
