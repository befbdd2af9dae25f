// @ts-check
// Builds a Go command from the module proxy into Procession's cache (`go install pkg@tag` with GOBIN set),
// printing progress instead of minutes of silence. Shared by the CLI and the cluster's server binaries.
// Plain CommonJS with no dependencies, so it works before `npm ci`.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function cacheRoot() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'procession');
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

/** The `go` command, on PATH or where the official tarball puts it. */
function goCommand() {
  return onPath('go') || (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
}

/**
 * `CGO_ENABLED=0 go install <packages>` into `dir`; resolves whether every expected binary is there.
 * @param {{ label: string, goBin: string, packages: string[], dir: string, expect: string[], ldflags?: string }} build
 * @returns {Promise<boolean>}
 */
function goInstall(build) {
  fs.mkdirSync(build.dir, { recursive: true });
  const say = (/** @type {string} */ line) => process.stderr.write(`[${build.label}] ${line}\n`);
  say(`building ${build.packages.join(' ')} into ${build.dir} (first run only; several minutes)`);
  const started = Date.now();
  const args = ['install', ...(build.ldflags ? ['-ldflags', build.ldflags] : []), ...build.packages];
  return new Promise((resolve) => {
    const child = spawn(build.goBin, args, {
      env: { ...process.env, CGO_ENABLED: '0', GOBIN: build.dir },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const ticker = setInterval(
      () => say(`still building… ${Math.round((Date.now() - started) / 1000)}s`),
      30_000,
    );
    child.on('exit', (code) => {
      clearInterval(ticker);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const ok = code === 0 && build.expect.every((name) => isExecutable(path.join(build.dir, name)));
      say(ok ? `built in ${seconds}s` : `build failed (exit ${code}) after ${seconds}s`);
      resolve(ok);
    });
  });
}

module.exports = { cacheRoot, isExecutable, onPath, goCommand, goInstall };
