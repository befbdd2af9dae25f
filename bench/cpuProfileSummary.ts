// `tsx bench/cpuProfileSummary.ts <file.cpuprofile> [requests] [last seconds]`: where a process's CPU went,
// by package (node_modules/<name>), by the project's own folders, and Node's own parts. `npm run bench --
// --only commands --profile <dir>` writes the API process's profile; with the request count the table
// says microseconds per request, and with the load's duration it leaves out the start-up before it.
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  startTime: number;
  endTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const root = path.resolve(__dirname, '..');

/** What a frame belongs to: an npm package, a folder of this project, Node itself, or V8's own work. */
function ownerOf(url: string, functionName: string): string {
  // Builtins, and code compiled at run time (ajv's validators, fast-json-stringify's serializers).
  if (url === '')
    return functionName.startsWith('(') ? functionName : `(no file) ${functionName || 'anonymous'}`;
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packageMatch) return packageMatch[1]!;
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const file = url.replace(/^file:\/\//, '');
  if (file.startsWith(root)) return path.relative(root, file).split('/').slice(0, 2).join('/');
  return url;
}

/** Self time by owner, of the samples taken in the profile's last `lastSeconds` (all when not given). */
export function summarize(profile: CpuProfile, lastSeconds?: number): Array<{ owner: string; ms: number }> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<string, number>();
  const from = lastSeconds === undefined ? -Infinity : profile.endTime - lastSeconds * 1e6;
  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    at += profile.timeDeltas[index] ?? 0;
    if (at < from) return;
    const node = byId.get(id)!;
    const owner = ownerOf(node.callFrame.url, node.callFrame.functionName);
    selfMicros.set(owner, (selfMicros.get(owner) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  return [...selfMicros].map(([owner, micros]) => ({ owner, ms: micros / 1000 })).sort((a, b) => b.ms - a.ms);
}

if (require.main === module) {
  const [file, requests, lastSeconds] = process.argv.slice(2);
  if (!file)
    throw new Error('usage: tsx bench/cpuProfileSummary.ts <file.cpuprofile> [requests] [last seconds]');
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const rows = summarize(profile, lastSeconds === undefined ? undefined : Number(lastSeconds)).filter(
    (row) => row.owner !== '(idle)',
  );
  const busy = rows.reduce((sum, row) => sum + row.ms, 0);
  const perRequest = requests ? Number(requests) : undefined;
  console.log(
    `busy ${busy.toFixed(0)} ms${perRequest ? `, ${((busy * 1000) / perRequest).toFixed(0)} µs per request` : ''}`,
  );
  for (const row of rows.slice(0, 25))
    console.log(
      `${row.owner.padEnd(40)} ${row.ms.toFixed(0).padStart(7)} ms ${((100 * row.ms) / busy).toFixed(1).padStart(5)}%` +
        (perRequest ? ` ${((row.ms * 1000) / perRequest).toFixed(0).padStart(6)} µs/request` : ''),
    );
}
