import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ServiceProcess } from './clusterLayout';

/**
 * One Temporal service process of a local cluster (`server start --service=…` with a config of its own),
 * its output appended to `<dir>/logs/<name>.log`. It can be killed with SIGKILL and started again on the
 * same config, as an operator's supervisor would.
 */
export class ServerProcess {
  private child?: ChildProcess;
  private recent: string[] = [];

  constructor(
    readonly spec: ServiceProcess,
    private readonly serverBinary: string,
    private readonly clusterDir: string,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  get pid(): number | undefined {
    return this.alive ? this.child?.pid : undefined;
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get logFile(): string {
    return path.join(this.clusterDir, 'logs', `${this.name}.log`);
  }

  /** Starts the process; readiness is the cluster's to judge (a service joins the ring in its own time). */
  start(): void {
    if (this.alive) throw new Error(`${this.name} is running already (pid ${this.child?.pid})`);
    fs.mkdirSync(path.dirname(this.logFile), { recursive: true });
    const log = fs.createWriteStream(this.logFile, { flags: 'a' });
    // No authorizer: the cluster listens on 127.0.0.1 only (production puts TLS and an authorizer here).
    const args = [
      '--root',
      this.clusterDir,
      '--config',
      path.join('config', this.name),
      '--env',
      'procession',
      '--allow-no-auth',
    ];
    // Its own process group: a Ctrl-C in the terminal reaches only the process that started the cluster,
    // which then stops the services in order instead of all at once.
    const child = spawn(this.serverBinary, [...args, 'start', '--service', this.spec.service], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const remember = (chunk: Buffer) => {
      log.write(chunk);
      this.recent.push(...chunk.toString().split('\n').filter(Boolean));
      this.recent.splice(0, Math.max(0, this.recent.length - 30));
    };
    child.stdout!.on('data', remember);
    child.stderr!.on('data', remember);
    child.once('exit', () => log.end());
    this.child = child;
  }

  /** The last lines it printed, for error messages. */
  recentOutput(): string {
    return this.recent.map((line) => `${this.name}: ${line}`).join('\n');
  }

  /** For a process that is exiting and cannot wait: SIGKILL now. */
  killNow(): void {
    if (this.alive) this.child?.kill('SIGKILL');
  }

  /** kill -9: the process gets no chance to hand its shards or task queues over. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL', 0);
  }

  /** SIGTERM, and SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    await this.signal('SIGTERM', graceMs);
  }

  private async signal(signal: NodeJS.Signals, graceMs: number): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = graceMs > 0 ? setTimeout(() => child.kill('SIGKILL'), graceMs) : undefined;
    await exited;
    if (timer) clearTimeout(timer);
  }
}
