// @ts-check
// Adds lockfile entries for platform-specific optional packages that npm could not resolve.
//
// npm writes an entry for each platform binary of packages like @swc/core only when the registry it
// talks to serves that binary's manifest. A registry mirror that carries only Linux binaries (as on
// the build machines here) yields a lockfile without the macOS/Windows entries, and `npm ci` then
// refuses the lockfile as out of sync — everywhere. The missing entries are derived from the package
// name (the platform packages are named <pkg>-<os>-<cpu>[-<libc>]) and carry no `resolved` URL, so
// npm fetches them by name and version on the platform that needs them. Run after `npm install`.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const lockPath = path.resolve(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const packages = lock.packages;

const oses = [
  'darwin',
  'linux',
  'win32',
  'android',
  'freebsd',
  'openharmony',
  'netbsd',
  'openbsd',
  'sunos',
  'aix',
];
const cpus = ['arm64', 'x64', 'arm', 'ia32', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el', 'wasm32'];

/** @param {string} name */
function platformOf(name) {
  const tokens = name.split('/').pop()?.split('-') ?? [];
  const osIndex = tokens.findIndex((token) => oses.includes(token));
  if (osIndex < 0) return undefined;
  const cpu = tokens[osIndex + 1];
  if (!cpu || !cpus.includes(cpu)) return undefined;
  const rest = tokens.slice(osIndex + 2);
  const libc = rest.includes('musl')
    ? 'musl'
    : rest.includes('gnu') || rest.includes('gnueabihf')
      ? 'glibc'
      : undefined;
  return { os: tokens[osIndex], cpu, libc };
}

let added = 0;
for (const [location, entry] of Object.entries(packages)) {
  const optional = entry.optionalDependencies ?? {};
  const base = location.replace(/node_modules\/(@[^/]+\/)?[^/]+$/, '');
  for (const [name, version] of Object.entries(optional)) {
    const candidates = [
      `${location}/node_modules/${name}`,
      `${base}node_modules/${name}`,
      `node_modules/${name}`,
    ];
    if (candidates.some((candidate) => packages[candidate])) continue;
    const platform = platformOf(name);
    if (!platform || !/^\d+\.\d+\.\d+/.test(String(version))) continue;
    packages[`node_modules/${name}`] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      os: [platform.os],
      cpu: [platform.cpu],
      ...(platform.libc ? { libc: [platform.libc] } : {}),
    };
    added++;
  }
}

if (added > 0) {
  const sorted = Object.fromEntries(
    Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)),
  );
  lock.packages = sorted;
  fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
}
process.stdout.write(`complete-lockfile: added ${added} platform entr${added === 1 ? 'y' : 'ies'}\n`);
