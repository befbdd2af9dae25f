// @ts-check
// Finds the Temporal CLI (which contains the dev server and Web UI), building it from source when it is
// missing. Plain CommonJS with no dependencies, so it works before `npm ci` and from any entry point.
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

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

function cacheRoot() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'procession');
}

/** @param {string} tag */
function cachedBinary(tag) {
  return path.join(cacheRoot(), `temporal-${tag.replace(/^v/, '')}`, 'temporal');
}

/** @param {string} file */
function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** @param {string} name */
function onPath(name) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
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

/**
 * Runs `go install` for one tag into the cache, printing progress instead of minutes of silence.
 * @param {string} goBin @param {string} tag @returns {Promise<boolean>}
 */
function buildTag(goBin, tag) {
  const target = cachedBinary(tag);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  process.stderr.write(
    `[temporal-cli] building ${CLI_MODULE}@${tag} into ${path.dirname(target)} (first run only; a few minutes)\n`,
  );
  const started = Date.now();
  return new Promise((resolve) => {
    // The release pipeline stamps the version the same way; without it `temporal --version` says 0.0.0-DEV.
    const ldflags = `-s -w -X github.com/temporalio/cli/temporalcli.Version=${tag.replace(/^v/, '')}`;
    const child = spawn(goBin, ['install', '-ldflags', ldflags, `${CLI_MODULE}@${tag}`], {
      env: { ...process.env, CGO_ENABLED: '0', GOBIN: path.dirname(target) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const ticker = setInterval(() => {
      process.stderr.write(`[temporal-cli] still building… ${Math.round((Date.now() - started) / 1000)}s\n`);
    }, 30_000);
    child.on('exit', (code) => {
      clearInterval(ticker);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (code === 0 && isExecutable(target)) {
        process.stderr.write(`[temporal-cli] built ${tag} in ${seconds}s\n`);
        resolve(true);
      } else {
        process.stderr.write(`[temporal-cli] build of ${tag} failed (exit ${code}) after ${seconds}s\n`);
        resolve(false);
      }
    });
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
  const goBin = onPath('go') || (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
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
