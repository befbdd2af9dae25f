// A Procession process started the way a deployment starts one (`worker/main.ts` with ROLE=…), for the
// fault suite and the bench: real processes that can be killed with SIGKILL and started again.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..');

/** One Procession process (`worker/main.ts` with ROLE=…), started, killed with SIGKILL and restarted for real. */
export class RoleProcess {
  private child?: ChildProcess;
  private output: string[] = [];
  /** What this process printed since it was last started. */
  private current: string[] = [];
  readonly port?: number;
  kills = 0;
  /** When the current process was spawned (ms since the epoch): its connections are all younger. */
  startedAt = 0;

  constructor(
    readonly name: string,
    private readonly env: Record<string, string>,
    port?: number,
    /** Node's own flags for the process (the bench's `--cpu-prof`). */
    private readonly nodeArgs: readonly string[] = [],
  ) {
    this.port = port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process and resolves once it says its roles run. */
  async start(): Promise<void> {
    this.startedAt = Date.now();
    const child = spawn(process.execPath, [...this.nodeArgs, '--import', 'tsx', 'worker/main.ts'], {
      cwd: root,
      env: { ...process.env, ...this.env, ...(this.port ? { PORT: String(this.port) } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const lines: string[] = [];
    this.current = lines;
    const ready = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          lines.push(line);
          this.output.push(`${this.name}: ${line}`);
          if (/\[procession\] running /.test(line)) resolve();
        }
        this.output.splice(0, Math.max(0, this.output.length - 400));
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, signal) =>
        reject(
          new Error(`${this.name} exited (${code ?? signal}) before it ran:\n${lines.slice(-30).join('\n')}`),
        ),
      );
    });
    await ready;
  }

  /** kill -9: no shutdown hook runs, connections are dropped by the kernel. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    this.kills++;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  logs(): string {
    return this.output.join('\n');
  }

  /** The lines of the current run only (a restarted process starts afresh). */
  linesSinceStart(): readonly string[] {
    return this.current;
  }
}

/**
 * A small DATABASE_POOL_SIZE for a process of these roles (comma-separated), for many processes sharing
 * one PostgreSQL: five connections for work plus the two each of its log subscriptions holds.
 */
export function smallPoolSize(roles: string, projections: number): string {
  const names = roles.split(',');
  const subscriptions = (names.includes('relay') ? 1 : 0) + (names.includes('projections') ? projections : 0);
  return String(5 + 2 * subscriptions);
}
