import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface UiServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Temporal's Web UI server (github.com/temporalio/ui-server, the one the CLI's dev server embeds) in front
 * of the cluster's frontend, so sagas are watched there as on the dev server.
 */
export async function startUiServer(options: {
  binary: string;
  dir: string;
  temporalAddress: string;
  port: number;
  namespace: string;
}): Promise<UiServer> {
  const configDir = path.join(options.dir, 'config');
  fs.mkdirSync(configDir, { recursive: true });
  const config = {
    temporalGrpcAddress: options.temporalAddress,
    host: '127.0.0.1',
    port: options.port,
    enableUi: true,
    defaultNamespace: options.namespace,
    cors: { allowOrigins: [`http://127.0.0.1:${options.port}`, `http://localhost:${options.port}`] },
    refreshInterval: '1m',
    notifyOnNewVersion: false,
  };
  fs.writeFileSync(path.join(configDir, 'procession.yaml'), `${JSON.stringify(config, null, 2)}\n`);
  const log = fs.createWriteStream(path.join(options.dir, 'ui.log'), { flags: 'a' });
  const child = spawn(
    options.binary,
    ['--root', options.dir, '--config', 'config', '--env', 'procession', 'start'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const recent: string[] = [];
  const remember = (chunk: Buffer) => {
    log.write(chunk);
    recent.push(...chunk.toString().split('\n').filter(Boolean));
    recent.splice(0, Math.max(0, recent.length - 20));
  };
  child.stdout.on('data', remember);
  child.stderr.on('data', remember);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    log.end();
  };
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`The Web UI server exited (${child.exitCode}):\n${recent.join('\n')}`);
    try {
      const answer = await fetch(`${url}/api/v1/settings`, { signal: AbortSignal.timeout(1_000) });
      if (answer.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The Web UI server did not answer on ${url} within 30s:\n${recent.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { url, pid: child.pid ?? -1, stop };
}
