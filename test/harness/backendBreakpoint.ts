import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * A PostgreSQL backend held at a breakpoint by gdb, so a test can act while that backend is frozen at
 * one exact instruction (for instance between getting its transaction id and locking it). PostgreSQL's
 * binaries export their functions, so a breakpoint by name works without debug symbols.
 */
export interface BackendBreakpoint {
  /** Resolves once the backend has stopped at the breakpoint; rejects, saying why, if gdb ends first. */
  readonly hit: Promise<void>;
  /** The frozen backend's call stack, innermost first (function names only: no debug symbols needed). */
  backtrace(): Promise<string>;
  /** Removes the breakpoint, lets the backend run on and ends gdb. */
  release(): Promise<void>;
}

/** Why gdb cannot attach to a backend here, or undefined when it can (root, or ptrace allowed). */
export function whyNoBackendBreakpoints(): string | undefined {
  if (spawnSync('gdb', ['--version']).status !== 0) return 'gdb is not installed (Debian package gdb)';
  if (process.getuid?.() !== 0) return 'attaching to PostgreSQL backends needs root (they run as postgres)';
  return undefined;
}

/**
 * Attaches gdb to backend `pid` with a breakpoint at `functionName` and lets it run. Resolves once gdb
 * is attached and the backend is running again, so whatever the test sends next meets the breakpoint.
 */
export async function breakBackendAt(pid: number, functionName: string): Promise<BackendBreakpoint> {
  const gdb = spawn('gdb', ['-q', '-nx', '-p', String(pid)], { stdio: 'pipe' });
  let output = '';
  const waiters: Array<{ pattern: RegExp; resolve: () => void; reject: (error: Error) => void }> = [];
  const settle = () => {
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(output)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    settle();
  };
  gdb.stdout.on('data', onData);
  gdb.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => gdb.on('close', resolve));
  void exited.then((code) => {
    for (const waiter of waiters.splice(0))
      waiter.reject(new Error(`gdb ended (exit ${code}) before ${waiter.pattern}; it said:\n${output}`));
  });
  const waitFor = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      waiters.push({ pattern, resolve, reject });
      settle();
    });

  send(gdb, 'set pagination off', 'set confirm off', `break ${functionName}`, 'continue');
  await waitFor(/Continuing\./);
  const hit = waitFor(new RegExp(`Breakpoint 1, [^\\n]*${functionName}`));
  hit.catch(() => {}); // observed through `hit` by the caller
  let backtraces = 0;
  return {
    hit,
    backtrace: async () => {
      const marker = `backtrace-end-${++backtraces}`;
      const from = output.length;
      send(gdb, 'bt 12', `echo ${marker}\\n`);
      await waitFor(new RegExp(`${marker}\\n`));
      return output.slice(from, output.lastIndexOf(marker));
    },
    release: async () => {
      if (gdb.exitCode === null) {
        // At the breakpoint gdb reads commands; still running, it needs an interrupt first. Detaching
        // (not killing gdb) is what lets the backend run on: a tracer that dies leaves it stopped.
        if (!/Breakpoint 1, /.test(output)) gdb.kill('SIGINT');
        send(gdb, 'delete', 'detach', 'quit');
      }
      await exited;
    },
  };
}

function send(gdb: ChildProcessWithoutNullStreams, ...commands: string[]): void {
  gdb.stdin.write(commands.map((command) => `${command}\n`).join(''));
}
